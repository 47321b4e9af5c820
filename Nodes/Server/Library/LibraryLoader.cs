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
        var loaded = new List<(TrackManifest, ReadOnlyMemory<byte>)>(library.Tracks.Count);
        foreach (var manifest in library.Tracks)
        {
            var bytes = await File.ReadAllBytesAsync(library.AudioPath(manifest.Id), ct);
            if (bytes.LongLength != manifest.ByteLength)
                throw new InvalidDataException($"track {manifest.Id}: the audio file has {bytes.LongLength} bytes, its manifest says {manifest.ByteLength}");
            loaded.Add((manifest, bytes));
        }
        store.Load(loaded);
        log.LogInformation("Library {Folder}: {Tracks} tracks, {Megabytes:0.0} MB in memory, loaded in {Ms} ms",
            folder, loaded.Count, loaded.Sum(t => (double)t.Item2.Length) / 1e6, clock.ElapsedMilliseconds);
        if (loaded.Count == 0) log.LogWarning("Library {Folder} has no tracks: every track request will be 404", folder);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
