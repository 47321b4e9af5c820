using System.Diagnostics;
using Microsoft.Extensions.Options;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Server.Tracks;

namespace Spotify.Rx.Server.Library;

/// <summary>
/// Before Kestrel opens its port: makes sure the library exists (generating the sample library on
/// first start, with progress in the log) and reads every track into memory.
/// </summary>
public sealed class LibraryLoader(IOptions<ServerOptions> options, TrackStore store, ILogger<LibraryLoader> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var o = options.Value;
        var folder = Path.GetFullPath(o.ResolvedLibraryFolder);
        if (o.UsesSampleLibrary) await SampleLibraryGenerator.EnsureAsync(folder, o.SampleLibrary, log, ct);

        var clock = Stopwatch.StartNew();
        var library = TrackLibrary.Open(folder);
        var loaded = new List<(TrackManifest, ReadOnlyMemory<byte>, FileStream?)>(library.Tracks.Count);
        try
        {
            foreach (var manifest in library.Tracks)
            {
                // Kept open: the sendfile endpoint sends ranges of this very file, the Kestrel route
                // slices of the bytes read from it here, so both serve the same bytes.
                var file = new FileStream(library.AudioPath(manifest.Id), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
                loaded.Add((manifest, ReadOnlyMemory<byte>.Empty, file));
                if (file.Length != manifest.ByteLength)
                    throw new InvalidDataException($"track {manifest.Id}: the audio file has {file.Length} bytes, its manifest says {manifest.ByteLength}");
                var bytes = new byte[file.Length];
                int read = 0;
                while (read < bytes.Length)
                {
                    int n = await RandomAccess.ReadAsync(file.SafeFileHandle, bytes.AsMemory(read), read, ct);
                    if (n == 0) throw new InvalidDataException($"track {manifest.Id}: the audio file ended at {read} of {bytes.Length} bytes");
                    read += n;
                }
                loaded[^1] = (manifest, bytes, file);
            }
        }
        catch
        {
            foreach (var (_, _, file) in loaded) file?.Dispose();
            throw;
        }
        store.Load(loaded);
        log.LogInformation("Library {Folder}: {Tracks} tracks, {Megabytes:0.0} MB in memory, loaded in {Ms} ms",
            folder, loaded.Count, loaded.Sum(t => (double)t.Item2.Length) / 1e6, clock.ElapsedMilliseconds);
        if (loaded.Count == 0) log.LogWarning("Library {Folder} has no tracks: every track request will be 404", folder);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
