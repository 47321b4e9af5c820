using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Tests.Support;

namespace Spotify.Rx.Wire.Tests.Overlay;

public class TransferTests
{
    [Fact]
    public async Task A_whole_track_moves_in_pipelined_chunks_and_every_chunk_matches_the_manifest()
    {
        await using var swarm = new TestSwarm();
        var (manifest, bytes) = RandomTracks.Make("track-1", 3 * 1024 * 1024 + 1234, seed: 5);
        var uploader = await swarm.StartAsync("uploader", RandomTracks.Holding(manifest, bytes));
        var downloader = await swarm.StartAsync("downloader");
        var peer = await downloader.ConnectToAsync(uploader);

        var received = await FetchAllAsync(downloader, peer, manifest, inFlight: 32);

        Assert.Equal("uploader", peer);
        Assert.Equal(bytes, received);
        var link = downloader.Snapshot().Links.Single();
        Assert.True(link.BytesIn > bytes.Length, $"{link.BytesIn} bytes in for a {bytes.Length}-byte track");
    }

    [Fact]
    public async Task A_corrupt_chunk_fails_with_a_typed_error_drops_the_sender_and_another_peer_serves_it()
    {
        await using var swarm = new TestSwarm();
        var (manifest, bytes) = RandomTracks.Make("track-1", 100_000, seed: 6);
        var liar = await swarm.StartAsync("liar", RandomTracks.HoldingCorrupted(manifest, bytes, at: 3 * TrackManifest.DefaultChunkSize + 17, flip: 0x40));
        var honest = await swarm.StartAsync("honest", RandomTracks.Holding(manifest, bytes));
        var downloader = await swarm.StartAsync("downloader");
        await downloader.ConnectToAsync(liar);
        await downloader.ConnectToAsync(honest);
        var dropped = downloader.NextClose(c => c.PeerId == "liar");

        var error = await Assert.ThrowsAsync<ChunkCorruptException>(() => downloader.FetchChunkAsync("liar", manifest, 3).WaitAsync(TestSwarm.Patience));
        var chunk = await downloader.FetchChunkAsync("honest", manifest, 3).WaitAsync(TestSwarm.Patience);

        Assert.Equal(("liar", "track-1", 3), (error.PeerId, error.TrackId, error.Index));
        Assert.Equal(CloseReason.CorruptChunk, (await dropped).Reason);
        Assert.False(downloader.IsConnected("liar"));
        Assert.Equal(bytes.AsSpan(3 * TrackManifest.DefaultChunkSize, TrackManifest.DefaultChunkSize).ToArray(), chunk.ToArray());
    }

    [Fact]
    public async Task A_chunk_of_a_track_the_peer_does_not_hold_fails_as_unavailable_and_the_connection_stays()
    {
        await using var swarm = new TestSwarm();
        var (manifest, _) = RandomTracks.Make("track-1", 50_000);
        var uploader = await swarm.StartAsync("uploader");
        var downloader = await swarm.StartAsync("downloader");
        await downloader.ConnectToAsync(uploader);

        await Assert.ThrowsAsync<ChunkUnavailableException>(() => downloader.FetchChunkAsync("uploader", manifest, 1).WaitAsync(TestSwarm.Patience));

        Assert.True(downloader.IsConnected("uploader"));
    }

    [Fact]
    public async Task The_overlay_shows_each_connection_with_its_bytes_in_and_out_and_drops_it_when_closed()
    {
        await using var swarm = new TestSwarm();
        var (manifest, bytes) = RandomTracks.Make("track-1", 64 * 1024);
        var uploader = await swarm.StartAsync("uploader", RandomTracks.Holding(manifest, bytes), o => o with { OverlaySampleInterval = TimeSpan.FromMilliseconds(50) });
        var downloader = await swarm.StartAsync("downloader");
        await downloader.ConnectToAsync(uploader);
        await FetchAllAsync(downloader, "uploader", manifest, inFlight: 4);

        var busy = await uploader.Overlay.FirstAsync(o => o.Links.Length == 1 && o.BytesOut > bytes.Length).ToTask().WaitAsync(TestSwarm.Patience);
        var gone = uploader.Overlay.FirstAsync(o => o.Links.IsEmpty).ToTask().WaitAsync(TestSwarm.Patience);
        downloader.Disconnect("uploader");

        var link = busy.Links.Single();
        Assert.Equal(("downloader", ConnectionDirection.Inbound), (link.PeerId, link.Direction));
        Assert.True(link.BytesIn > 0);
        Assert.Equal("uploader", busy.LocalPeerId);
        Assert.Empty((await gone).Links);
    }

    [Fact]
    public async Task A_sixth_download_source_is_refused_while_five_peers_are_downloaded_from()
    {
        await using var swarm = new TestSwarm();
        var (manifest, bytes) = RandomTracks.Make("track-1", 50_000);
        var gated = new GatedTracks(RandomTracks.Holding(manifest, bytes));
        var downloader = await swarm.StartAsync("downloader");
        var fetches = new List<Task<ReadOnlyMemory<byte>>>();
        for (var i = 0; i < 6; i++)
        {
            var uploader = await swarm.StartAsync($"up-{i}", gated);
            await downloader.ConnectToAsync(uploader);
        }
        for (var i = 0; i < 5; i++) fetches.Add(downloader.FetchChunkAsync($"up-{i}", manifest, 0));
        for (var i = 0; i < 5; i++) await gated.NextStartedAsync();

        var refused = await Assert.ThrowsAsync<DownloadSourceLimitException>(() => downloader.FetchChunkAsync("up-5", manifest, 0));
        gated.Open(0);
        await Task.WhenAll(fetches).WaitAsync(TestSwarm.Patience);
        var afterwards = await downloader.FetchChunkAsync("up-5", manifest, 0).WaitAsync(TestSwarm.Patience);

        Assert.Equal("up-5", refused.PeerId);
        Assert.Equal(bytes.AsSpan(0, TrackManifest.DefaultChunkSize).ToArray(), afterwards.ToArray());
    }

    internal static async Task<byte[]> FetchAllAsync(PeerNode node, string peer, TrackManifest manifest, int inFlight)
    {
        var result = new byte[manifest.ByteLength];
        using var window = new SemaphoreSlim(inFlight);
        var fetches = Enumerable.Range(0, manifest.ChunkCount).Select(async i =>
        {
            await window.WaitAsync();
            try
            {
                var data = await node.FetchChunkAsync(peer, manifest, i);
                data.Span.CopyTo(result.AsSpan((int)manifest.ChunkRange(i).Start));
            }
            finally
            {
                window.Release();
            }
        });
        await Task.WhenAll(fetches).WaitAsync(TestSwarm.Patience);
        return result;
    }
}
