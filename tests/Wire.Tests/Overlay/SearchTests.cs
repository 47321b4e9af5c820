using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Spotify.Rx.Wire.Protocol.Messages;
using Spotify.Rx.Wire.Tests.Support;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Wire.Tests.Overlay;

public class SearchTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_search_finds_holders_one_and_two_hops_away_but_not_three()
    {
        await using var swarm = new TestSwarm();
        var (manifest, bytes) = RandomTracks.Make("track-1", 40_000);
        MemoryTracks Holding() { var t = new MemoryTracks(); t.Add(manifest, bytes); return t; }
        var origin = await swarm.StartAsync("origin");
        var near = await swarm.StartAsync("near", Holding());
        var relay = await swarm.StartAsync("relay");
        var far = await swarm.StartAsync("far", Holding());
        var beyond = await swarm.StartAsync("beyond", Holding());
        await origin.ConnectToAsync(near);
        await origin.ConnectToAsync(relay);
        await relay.ConnectToAsync(far);
        await far.ConnectToAsync(beyond);

        var found = await origin.SearchAsync("track-1", Window).WaitAsync(TestSwarm.Patience);

        Assert.Equal(
            [("far", far.Endpoint, 2), ("near", near.Endpoint, 1)],
            found.Select(h => (h.PeerId, h.Endpoint, h.Hops)).OrderBy(h => h.PeerId));
    }

    [Fact]
    public async Task A_search_for_a_track_nobody_holds_finds_nothing()
    {
        await using var swarm = new TestSwarm();
        var origin = await swarm.StartAsync("origin");
        var near = await swarm.StartAsync("near");
        await origin.ConnectToAsync(near);

        var found = await origin.SearchAsync("track-unknown", Window).WaitAsync(TestSwarm.Patience);

        Assert.Empty(found);
    }

    [Fact]
    public async Task A_forwarded_search_goes_to_the_other_neighbours_and_never_back_to_its_sender()
    {
        await using var swarm = new TestSwarm();
        var relay = await swarm.StartAsync("relay");
        await using var sender = await RawPeer.HandshakeAsync(relay.Endpoint, swarm.Token("sender"));
        await using var other = await RawPeer.HandshakeAsync(relay.Endpoint, swarm.Token("other"));
        await relay.Overlay.FirstAsync(o => o.Links.Length == 2).ToTask().WaitAsync(TestSwarm.Patience);

        await sender.SendAsync(new Search(77, "track-9", 1, ""));
        var forwarded = await other.ReadAsync();
        // A search that must not be forwarded: the sender would get it back if anything were.
        await sender.SendAsync(new Search(78, "track-9", 0, "other"));
        await other.SendAsync(new Search(79, "track-9", 0, "sender"));
        sender.StopSending();
        var toSender = await sender.ReadAsync();

        Assert.Equal(new Search(77, "track-9", 0, "sender"), forwarded);
        Assert.Null(toSender);
    }
}
