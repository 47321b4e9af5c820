using System.Security.Cryptography;
using Spotify.Rx.Playback.Tracks;

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
}
