using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Tests.Support;

namespace Spotify.Rx.Wire.Tests.Overlay;

/// <summary>
/// A peer that sent a corrupt chunk is dropped, not merely disconnected: a tracker or a search that
/// still names it must not bring it back.
/// </summary>
public sealed class DroppedPeerTests
{
    [Fact]
    public async Task A_peer_dropped_for_a_corrupt_chunk_is_neither_dialed_again_nor_accepted_when_it_dials()
    {
        await using var swarm = new TestSwarm();
        var (manifest, bytes) = RandomTracks.Make("track-1", 100_000, seed: 9);
        var liar = await swarm.StartAsync("liar", RandomTracks.HoldingCorrupted(manifest, bytes, at: 2 * TrackManifest.DefaultChunkSize + 5, flip: 0x01));
        var downloader = await swarm.StartAsync("downloader");
        await downloader.ConnectToAsync(liar);
        var dropped = downloader.NextClose(c => c.PeerId == "liar");
        var toldSo = liar.NextClose(c => c.PeerId == "downloader");
        await Assert.ThrowsAsync<ChunkCorruptException>(() => downloader.FetchChunkAsync("liar", manifest, 2).WaitAsync(TestSwarm.Patience));
        await Task.WhenAll(dropped, toldSo);

        var redial = await Assert.ThrowsAsync<PeerConnectException>(() => downloader.ConnectAsync(liar.Endpoint).WaitAsync(TestSwarm.Patience));
        var refusedHere = downloader.NextClose(c => c.Direction == ConnectionDirection.Inbound);
        var dialedBack = await Assert.ThrowsAsync<PeerConnectException>(() => liar.ConnectAsync(downloader.Endpoint).WaitAsync(TestSwarm.Patience));

        Assert.True(downloader.IsDropped("liar"));
        Assert.Equal(CloseReason.CorruptChunk, redial.Reason);
        Assert.Equal(CloseReason.CorruptChunk, dialedBack.Reason);
        Assert.Equal(CloseReason.CorruptChunk, (await refusedHere).Reason);
        Assert.False(downloader.IsConnected("liar"));
        Assert.False(liar.IsConnected("downloader"));
    }

    [Fact]
    public async Task A_drop_lasts_only_its_configured_time()
    {
        await using var swarm = new TestSwarm();
        var (manifest, bytes) = RandomTracks.Make("track-1", 60_000, seed: 10);
        var liar = await swarm.StartAsync("liar", RandomTracks.HoldingCorrupted(manifest, bytes, at: 7, flip: 0x80));
        var forgiving = await swarm.StartAsync("forgiving", tune: o => o with { CorruptPeerDrop = TimeSpan.Zero });
        await forgiving.ConnectToAsync(liar);
        var dropped = forgiving.NextClose(c => c.PeerId == "liar");
        // The liar's end closes when the drop's GOODBYE reaches it, a moment after forgiving's end: until
        // then a new dial from forgiving is refused there as a second connection between the same two peers.
        var toldSo = liar.NextClose(c => c.PeerId == "forgiving");
        await Assert.ThrowsAsync<ChunkCorruptException>(() => forgiving.FetchChunkAsync("liar", manifest, 0).WaitAsync(TestSwarm.Patience));
        await Task.WhenAll(dropped, toldSo);

        Assert.False(forgiving.IsDropped("liar"));
        Assert.Equal("liar", await forgiving.ConnectToAsync(liar));
    }
}
