using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Client.Tests.Integration.Peers;

/// <summary>A peer whose disk (or memory) went bad: every chunk it serves has one bit flipped.</summary>
public sealed class CorruptTracks(ICachedTracks inner) : ICachedTracks
{
    private int _served;

    public int Served => Volatile.Read(ref _served);

    public bool Has(string trackId) => inner.Has(trackId);

    public TrackManifest? Manifest(string trackId) => inner.Manifest(trackId);

    public async ValueTask<ReadOnlyMemory<byte>> ReadChunkAsync(string trackId, int index, CancellationToken ct)
    {
        var bad = (await inner.ReadChunkAsync(trackId, index, ct)).ToArray();
        bad[(index * 7919) % bad.Length] ^= 0x10;
        Interlocked.Increment(ref _served);
        return bad;
    }
}
