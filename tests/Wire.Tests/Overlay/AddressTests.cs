using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Spotify.Rx.Wire.Tests.Support;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Wire.Tests.Overlay;

/// <summary>Where a node listens and which endpoint it hands out: never one the asker cannot dial.</summary>
public class AddressTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    private static MemoryTracks Holding(string id)
    {
        var (manifest, bytes) = RandomTracks.Make(id, 40_000);
        var tracks = new MemoryTracks();
        tracks.Add(manifest, bytes);
        return tracks;
    }

    [Fact]
    public async Task A_node_on_every_interface_takes_IPv4_and_IPv6_dialers_on_one_port()
    {
        await using var swarm = new TestSwarm();
        var any = await swarm.StartAsync("any", tune: o => o with { Address = IPAddress.IPv6Any });
        var v4 = await swarm.StartAsync("v4");

        Assert.True(any.Endpoint.Address.Equals(IPAddress.IPv6Any) || any.Endpoint.Address.Equals(IPAddress.Any));
        Assert.Equal("any", await v4.ConnectAsync(new IPEndPoint(IPAddress.Loopback, any.Endpoint.Port)).WaitAsync(TestSwarm.Patience));
        // The dual-stack socket sees 127.0.0.1 as ::ffff:127.0.0.1; the node knows its peer by the IPv4 address.
        var seen = await any.Overlay.FirstAsync(o => o.Links.Length == 1).ToTask().WaitAsync(TestSwarm.Patience);
        Assert.Equal(IPAddress.Loopback, seen.Links[0].Remote.Address);
        if (!Socket.OSSupportsIPv6 || any.Endpoint.AddressFamily != AddressFamily.InterNetworkV6) return;
        var v6 = await swarm.StartAsync("v6", tune: o => o with { Address = IPAddress.IPv6Loopback });
        Assert.Equal("any", await v6.ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, any.Endpoint.Port)).WaitAsync(TestSwarm.Patience));
    }

    [Fact]
    public async Task A_holder_on_every_interface_is_named_at_the_address_the_asker_sees_one_and_two_hops_away()
    {
        await using var swarm = new TestSwarm();
        var origin = await swarm.StartAsync("origin");
        var near = await swarm.StartAsync("near", Holding("track-1"), o => o with { Address = IPAddress.IPv6Any });
        var relay = await swarm.StartAsync("relay", tune: o => o with { Address = IPAddress.Any });
        var far = await swarm.StartAsync("far", Holding("track-1"), o => o with { Address = IPAddress.Any });
        await origin.ConnectAsync(new IPEndPoint(IPAddress.Loopback, near.Endpoint.Port)).WaitAsync(TestSwarm.Patience);
        await origin.ConnectAsync(new IPEndPoint(IPAddress.Loopback, relay.Endpoint.Port)).WaitAsync(TestSwarm.Patience);
        await relay.ConnectAsync(new IPEndPoint(IPAddress.Loopback, far.Endpoint.Port)).WaitAsync(TestSwarm.Patience);

        var found = await origin.SearchAsync("track-1", Window).WaitAsync(TestSwarm.Patience);

        // Not [::]:port or 0.0.0.0:port, which only mean "every interface of mine".
        Assert.Equal(
            [("far", new IPEndPoint(IPAddress.Loopback, far.Endpoint.Port)), ("near", new IPEndPoint(IPAddress.Loopback, near.Endpoint.Port))],
            found.Select(h => (h.PeerId, h.Endpoint)).OrderBy(h => h.PeerId));
        var dialed = await origin.ConnectAsync(found.Single(h => h.PeerId == "far").Endpoint).WaitAsync(TestSwarm.Patience);
        Assert.Equal("far", dialed);
    }

    [Fact]
    public async Task An_advertised_endpoint_is_what_HELLO_and_HAVE_name()
    {
        await using var swarm = new TestSwarm();
        var advertised = new IPEndPoint(IPAddress.Parse("192.0.2.7"), 47000);
        var mapped = await swarm.StartAsync("mapped", Holding("track-1"), o => o with { Address = IPAddress.Any, Advertised = advertised });
        var origin = await swarm.StartAsync("origin");
        await mapped.ConnectAsync(origin.Endpoint).WaitAsync(TestSwarm.Patience);

        var found = await origin.SearchAsync("track-1", Window).WaitAsync(TestSwarm.Patience);

        Assert.Equal(advertised, mapped.Advertised);
        Assert.Equal(advertised, Assert.Single(found).Endpoint);
        // The node that dialed in is known by the address it came from and the port its HELLO advertises.
        var link = await origin.Overlay.FirstAsync(o => o.Links.Length == 1).ToTask().WaitAsync(TestSwarm.Patience);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, advertised.Port), link.Links[0].ListenEndpoint);
    }
}
