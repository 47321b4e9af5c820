namespace Spotify.Rx.Server.Library;

/// <summary>Generates the sample library (Playback's deterministic generator) when it is not there yet.</summary>
public static class SampleLibraryGenerator
{
    public static Task EnsureAsync(string folder, ILogger log, CancellationToken ct)
    {
        // Filled in once Playback's SampleLibrary lands.
        Directory.CreateDirectory(folder);
        return Task.CompletedTask;
    }
}
