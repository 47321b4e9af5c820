using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Wire.Tests.Support;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Wire.Tests.Overlay;

public class ConnectionTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Two_peers_dialing_each_other_at_once_keep_exactly_one_connection_the_smaller_id_dialed(int seed)
    {
        await using var swarm = new TestSwarm();
        var (manifest, bytes) = RandomTracks.Make("track-1", 40_000, seed);
        var held = new MemoryTracks();
        held.Add(manifest, bytes);
        var a = await swarm.StartAsync("a-peer", held);
        var b = await swarm.StartAsync("b-peer", held);

        var both = await Task.WhenAll(a.ConnectAsync(b.Endpoint), b.ConnectAsync(a.Endpoint)).WaitAsync(TestSwarm.Patience);
        var fromB = await a.FetchChunkAsync("b-peer", manifest, 1).WaitAsync(TestSwarm.Patience);
        var fromA = await b.FetchChunkAsync("a-peer", manifest, 2).WaitAsync(TestSwarm.Patience);

        Assert.Equal(["b-peer", "a-peer"], both);
        Assert.Equal(ConnectionDirection.Outbound, a.Snapshot().Links.Single().Direction);
        Assert.Equal(ConnectionDirection.Inbound, b.Snapshot().Links.Single().Direction);
        Assert.Equal(bytes.AsSpan(16 * 1024, 16 * 1024).ToArray(), fromB.ToArray());
        Assert.Equal(bytes.AsSpan(32 * 1024, 40_000 - 32 * 1024).ToArray(), fromA.ToArray());
    }

    [Fact]
    public async Task Dialing_a_peer_already_connected_returns_the_open_connection()
    {
        await using var swarm = new TestSwarm();
        var a = await swarm.StartAsync("a-peer");
        var b = await swarm.StartAsync("b-peer");
        await b.ConnectToAsync(a);

        var again = await a.ConnectToAsync(b);

        Assert.Equal("b-peer", again);
        Assert.Single(a.Snapshot().Links);
        Assert.Equal(ConnectionDirection.Inbound, a.Snapshot().Links.Single().Direction);
    }
}
