using System.Net;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Protocol.Messages;
using Spotify.Rx.Wire.Tests.Support;

namespace Spotify.Rx.Wire.Tests.Overlay;

/// <summary>
/// Connections that never show a valid HELLO cost a place in the handshake budget, never one of the
/// 60 peer slots: a flood of them cannot keep real peers out.
/// </summary>
public class HandshakeBudgetTests
{
    private static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task A_hundred_and_twenty_silent_connections_leave_every_peer_slot_to_real_peers()
    {
        await using var swarm = new TestSwarm();
        var hub = await swarm.StartAsync("hub");
        var silent = new List<RawPeer>();
        try
        {
            for (var i = 0; i < 120; i++) silent.Add(await RawPeer.ConnectAsync(hub.Endpoint, from: Stranger));

            // Accepted after every silent one (the listen queue is first come, first served).
            for (var probe = 0; probe < 3; probe++)
            {
                var peer = await swarm.StartAsync($"probe-{probe}");
                Assert.Equal("hub", await peer.ConnectToAsync(hub));
            }

            Assert.Equal(3, hub.Connections.Open);
            Assert.Equal(hub.Handshakes.PerAddress, hub.Handshakes.Pending);
        }
        finally
        {
            foreach (var s in silent) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task Past_its_handshake_limit_an_address_hears_why_and_is_closed()
    {
        await using var swarm = new TestSwarm();
        var hub = await swarm.StartAsync("hub", tune: o => o with { MaxPendingHandshakesPerAddress = 2 });
        await using var first = await RawPeer.ConnectAsync(hub.Endpoint, from: Stranger);
        await using var second = await RawPeer.ConnectAsync(hub.Endpoint, from: Stranger);
        var refused = hub.NextClose(CloseReason.ConnectionLimit);

        await using var third = await RawPeer.ConnectAsync(hub.Endpoint, from: Stranger);

        var goodbye = await third.ReadUntilGoodbyeAsync();
        Assert.Equal(CloseReason.ConnectionLimit, goodbye!.Reason);
        Assert.Equal("handshake limit for 127.0.0.2 reached (2 pending)", goodbye.Detail);
        Assert.Equal(ConnectionDirection.Inbound, (await refused).Direction);
        // Another address is not held back by this one.
        var peer = await swarm.StartAsync("elsewhere");
        Assert.Equal("hub", await peer.ConnectToAsync(hub));
    }

    [Fact]
    public async Task When_the_budget_is_full_the_oldest_silent_connection_makes_room()
    {
        await using var swarm = new TestSwarm();
        var hub = await swarm.StartAsync("hub", tune: o => o with { MaxPendingHandshakes = 3 });
        await using var oldest = await RawPeer.ConnectAsync(hub.Endpoint, from: Stranger);
        await using var second = await RawPeer.ConnectAsync(hub.Endpoint, from: IPAddress.Parse("127.0.0.3"));
        await using var third = await RawPeer.ConnectAsync(hub.Endpoint, from: IPAddress.Parse("127.0.0.4"));
        var evicted = hub.NextClose(CloseReason.HandshakeTimeout);

        var peer = await swarm.StartAsync("newcomer");
        Assert.Equal("hub", await peer.ConnectToAsync(hub));

        var goodbye = await oldest.ReadUntilGoodbyeAsync();
        Assert.Equal(CloseReason.HandshakeTimeout, goodbye!.Reason);
        Assert.Contains("handshake budget is full", goodbye.Detail);
        Assert.Equal(Stranger, (await evicted).Remote.Address);
        Assert.Equal(1, hub.Connections.Open);
    }

    [Fact]
    public async Task The_sixty_first_authenticated_peer_is_refused_after_its_hello_with_the_reason()
    {
        await using var swarm = new TestSwarm();
        var hub = await swarm.StartAsync("hub", tune: o => o with { MaxConnections = 2 });
        foreach (var name in new[] { "one", "two" }) await (await swarm.StartAsync(name)).ConnectToAsync(hub);

        await using var late = await RawPeer.ConnectAsync(hub.Endpoint);
        await late.SendAsync(new Hello(Hello.CurrentVersion, swarm.Token("late"), 0));

        var goodbye = await late.ReadUntilGoodbyeAsync();
        Assert.Equal(CloseReason.ConnectionLimit, goodbye!.Reason);
        Assert.Contains("connection limit reached (2 open)", goodbye.Detail);
        Assert.Equal(0, hub.Handshakes.Pending);
    }
}
