using System.Collections.Concurrent;
using Spotify.Rx.Client.Cache;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Client;

/// <summary>
/// What the overlay may serve: the fully cached tracks, and nothing at all while uploads are
/// stopped (rule 4: a stutter stops all uploads at once). A peer that asks meanwhile hears
/// MISSING and asks someone else; searches get no HAVE.
/// </summary>
internal sealed class ServableTracks(TrackCache cache) : ICachedTracks
{
    private readonly ConcurrentDictionary<string, TrackManifest> _manifests = new(StringComparer.Ordinal);
    private int _stops;

    public TrackCache Cache => cache;

    public bool UploadsStopped => Volatile.Read(ref _stops) > 0;

    /// <summary>Stops every upload until the returned handle is disposed (handles nest).</summary>
    public IDisposable StopUploads()
    {
        Interlocked.Increment(ref _stops);
        var released = 0;
        return System.Reactive.Disposables.Disposable.Create(() =>
        {
            if (Interlocked.Exchange(ref released, 1) == 0) Interlocked.Decrement(ref _stops);
        });
    }

    /// <summary>A fully downloaded, verified track enters the cache (and so the overlay and the tracker).</summary>
    public bool Add(TrackManifest manifest, byte[] bytes)
    {
        _manifests[manifest.Id] = manifest;
        return cache.TryAdd(manifest.Id, bytes);
    }

    public bool Has(string trackId) => !UploadsStopped && cache.Contains(trackId) && _manifests.ContainsKey(trackId);

    public TrackManifest? Manifest(string trackId) => _manifests.GetValueOrDefault(trackId);

    public ValueTask<ReadOnlyMemory<byte>> ReadChunkAsync(string trackId, int index, CancellationToken ct)
    {
        var manifest = _manifests[trackId];
        var chunk = cache.ReadChunk(trackId, index, manifest.ChunkSize)
            ?? throw new InvalidOperationException($"track {trackId} left the cache while a peer was being served");
        return ValueTask.FromResult(chunk);
    }
}
