using System.Security.Cryptography;
using System.Text;
using Spotify.Rx.Playback.Opus;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Playback.Import;

/// <summary>One file the importer looked at: the track it became, or why it was skipped.</summary>
public sealed record ImportResult(string SourcePath, TrackManifest? Track, string? Error)
{
    public bool Imported => Track is not null;
}

/// <summary>
/// Transcodes a folder of user audio (MP3, WAV/AIFF, Ogg Vorbis) into the one encoding, tags carried over.
/// A file that cannot be read is reported by name and skipped; <see cref="LibraryFolder"/> makes sure it
/// leaves nothing behind.
/// </summary>
public static class TrackImporter
{
    public static async Task<IReadOnlyList<ImportResult>> ImportFolderAsync(string sourceFolder, string libraryFolder,
        IProgress<ImportResult>? progress = null, CancellationToken ct = default)
    {
        var files = Directory.EnumerateFiles(sourceFolder, "*", SearchOption.AllDirectories)
            .Where(f => SourceAudio.Extensions.Contains(Path.GetExtension(f)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var results = new List<ImportResult>(files.Count);
        foreach (string file in files)
        {
            ct.ThrowIfCancellationRequested();
            var result = await ImportFileAsync(file, Path.GetRelativePath(sourceFolder, file), libraryFolder, ct);
            results.Add(result);
            progress?.Report(result);
        }
        return results;
    }

    /// <summary>Imports one file; <paramref name="name"/> (stable, e.g. the path within the source folder) seeds its id.</summary>
    public static async Task<ImportResult> ImportFileAsync(string path, string name, string libraryFolder, CancellationToken ct = default)
    {
        try
        {
            using var source = SourceAudio.Open(path);
            string title = source.Title ?? Path.GetFileNameWithoutExtension(path);
            string artist = source.Artist ?? "Unknown artist";
            string id = IdFor(title, name);
            var track = await LibraryFolder.WriteTrackAsync(libraryFolder, id, title, artist, writer =>
            {
                var buffer = new float[OpusFormat.PageSamples * OpusFormat.Channels];
                int read;
                long total = 0;
                while ((read = source.Samples.Read(buffer)) > 0)
                {
                    ct.ThrowIfCancellationRequested();
                    // A reader may hand back an odd sample count at the very end; keep whole frames.
                    int whole = read - read % OpusFormat.Channels;
                    writer.Write(buffer.AsSpan(0, whole));
                    total += whole;
                }
                if (total == 0) throw new InvalidDataException("no audio");
            }, ct: ct);
            return new ImportResult(path, track, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ImportResult(path, null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary><c>i-{title slug}-{hash of name}</c>: readable, stable for the same file, distinct for two files.</summary>
    private static string IdFor(string title, string name)
    {
        var slug = new StringBuilder();
        foreach (char c in title.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c)) slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
            if (slug.Length >= 40) break;
        }
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return $"i-{slug.ToString().Trim('-')}-{hash}".Replace("--", "-");
    }
}
