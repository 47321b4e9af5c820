using Spotify.Rx.Playback.Library;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Testing;

/// <summary>
/// A small generated library (3 tracks of 20-40 s) shared by every test in the process: generated once into a
/// temporary folder on first use, deleted when the process exits.
/// </summary>
public static class TestLibrary
{
    public static readonly SampleLibraryOptions Options = new()
    {
        Count = 3,
        Seed = 7,
        MinLength = TimeSpan.FromSeconds(20),
        MaxLength = TimeSpan.FromSeconds(40),
    };

    private static readonly Lazy<Task<TrackLibrary>> Shared = new(CreateAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared library; the first caller waits for it to be generated (a few seconds).</summary>
    public static Task<TrackLibrary> GetAsync() => Shared.Value;

    public static TrackLibrary Get() => GetAsync().GetAwaiter().GetResult();

    /// <summary>A fresh, empty folder under the temp directory, removed when the process exits.</summary>
    public static string TempFolder(string name)
    {
        string folder = Path.Combine(Path.GetTempPath(), "spotify-rx-tests", $"{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(folder);
        return folder;
    }

    private static Task<TrackLibrary> CreateAsync() =>
        Task.Run(() => SampleLibrary.EnsureAsync(TempFolder("library"), Options));

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
