using System.Security.Cryptography;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Wire.Tests.Support;

/// <summary>Tracks of seeded random bytes with a manifest built here, independent of the code under test.</summary>
public static class RandomTracks
{
    public static (TrackManifest Manifest, byte[] Bytes) Make(string id, int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        var chunk = TrackManifest.DefaultChunkSize;
        var hashes = Enumerable.Range(0, (length + chunk - 1) / chunk)
            .Select(i => Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(i * chunk, Math.Min(chunk, length - i * chunk)))))
            .ToList();
        var manifest = new TrackManifest
        {
            Id = id, Title = id, Artist = "test", Duration = TimeSpan.FromSeconds(length / 20_000.0),
            ByteLength = length, ChunkHashes = hashes, PreSkip = 312, Pages = [],
        };
        return (manifest, bytes);
    }

    /// <summary>A cache that holds the track whole.</summary>
    public static MemoryTracks Holding(TrackManifest manifest, byte[] bytes)
    {
        var tracks = new MemoryTracks();
        tracks.Add(manifest, bytes);
        return tracks;
    }

    /// <summary>A cache that holds the track with the bits of <paramref name="flip"/> flipped in byte <paramref name="at"/>: one chunk is a lie.</summary>
    public static MemoryTracks HoldingCorrupted(TrackManifest manifest, byte[] bytes, int at, byte flip)
    {
        var corrupt = (byte[])bytes.Clone();
        corrupt[at] ^= flip;
        return Holding(manifest, corrupt);
    }
}
