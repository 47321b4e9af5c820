using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>Short real Ogg Opus tracks written with Playback's own writer, so manifests and seek indexes are genuine.</summary>
public static class TestTracks
{
    public const double Seconds = 40;

    public static async Task WriteAsync(string folder, IEnumerable<string> ids)
    {
        int n = 0;
        foreach (var id in ids)
        {
            double pitch = 220 * (1 + n++ * 0.25);
            await LibraryFolder.WriteTrackAsync(folder, id, $"Test tone {id}", "Server tests", writer =>
            {
                var block = new float[960 * 2];
                long t = 0;
                for (int b = 0; b < Seconds * 50; b++)
                {
                    for (int i = 0; i < 960; i++, t++)
                    {
                        // A tone whose loudness moves, so packets differ and so do chunk hashes.
                        float s = (float)(0.3 * Math.Sin(2 * Math.PI * pitch * t / 48_000) * (0.6 + 0.4 * Math.Sin(t / 9_600.0)));
                        block[2 * i] = s;
                        block[2 * i + 1] = s * 0.8f;
                    }
                    writer.Write(block);
                }
            });
        }
    }
}
