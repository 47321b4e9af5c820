using System.Collections.Concurrent;
using System.Security.Cryptography;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Wire.Tracks;

/// <summary>Fully cached tracks held in memory: for benchmarks, tests and a client's small cache.</summary>
public sealed class MemoryTracks : ICachedTracks
{
    private readonly ConcurrentDictionary<string, (TrackManifest Manifest, byte[] Bytes)> _tracks = new(StringComparer.Ordinal);

    public void Add(TrackManifest manifest, byte[] bytes)
    {
        if (bytes.Length != manifest.ByteLength) throw new ArgumentException($"track {manifest.Id} has {bytes.Length} bytes, its manifest says {manifest.ByteLength}");
        _tracks[manifest.Id] = (manifest, bytes);
    }

    public bool Remove(string trackId) => _tracks.TryRemove(trackId, out _);

    public bool Has(string trackId) => _tracks.ContainsKey(trackId);

    public TrackManifest? Manifest(string trackId) => _tracks.TryGetValue(trackId, out var t) ? t.Manifest : null;

    public ValueTask<ReadOnlyMemory<byte>> ReadChunkAsync(string trackId, int index, CancellationToken ct)
    {
        var (manifest, bytes) = _tracks[trackId];
        var (start, end) = manifest.ChunkRange(index);
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(bytes.AsMemory((int)start, (int)(end - start)));
    }

    /// <summary>A manifest for raw bytes that are not audio: chunk hashes only, no pages.</summary>
    public static TrackManifest ManifestFor(string id, byte[] bytes, int chunkSize = TrackManifest.DefaultChunkSize)
    {
        var hashes = new List<string>();
        for (var start = 0; start < bytes.Length; start += chunkSize)
            hashes.Add(Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(start, Math.Min(chunkSize, bytes.Length - start)))));
        return new TrackManifest
        {
            Id = id, Title = id, Artist = "", Duration = TimeSpan.Zero, ByteLength = bytes.Length,
            ChunkSize = chunkSize, ChunkHashes = hashes, PreSkip = 0, Pages = [],
        };
    }
}
