using System.Net;
using Spotify.Rx.Wire.Overlay;

namespace Spotify.Rx.Wire.Tests.Gates;

public class HandshakeGateTests
{
    private static IDisposable? Enter(HandshakeGate gate, string address, Action? evict = null) =>
        gate.TryEnter(IPAddress.Parse(address), evict ?? (() => { }), out _);

    [Fact]
    public void One_address_past_its_limit_is_refused_with_the_reason_and_others_are_not()
    {
        var gate = new HandshakeGate(limit: 10, perAddress: 2);
        Assert.NotNull(Enter(gate, "10.0.0.1"));
        Assert.NotNull(Enter(gate, "10.0.0.1"));

        Assert.Null(gate.TryEnter(IPAddress.Parse("10.0.0.1"), () => { }, out var refusal));
        Assert.Equal("handshake limit for 10.0.0.1 reached (2 pending)", refusal);
        Assert.NotNull(Enter(gate, "10.0.0.2"));
        Assert.Equal(3, gate.Pending);
    }

    [Fact]
    public void An_ipv6_host_counts_by_its_slash_64_and_a_mapped_ipv4_as_the_ipv4_address()
    {
        var gate = new HandshakeGate(limit: 10, perAddress: 1);
        Assert.NotNull(Enter(gate, "2001:db8:1:2::1"));
        Assert.Null(Enter(gate, "2001:db8:1:2:ffff::9"));
        Assert.NotNull(Enter(gate, "2001:db8:1:3::1"));

        Assert.NotNull(Enter(gate, "192.0.2.7"));
        Assert.Null(Enter(gate, "::ffff:192.0.2.7"));
    }

    [Fact]
    public void A_finished_handshake_gives_its_place_back_once()
    {
        var gate = new HandshakeGate(limit: 10, perAddress: 1);
        var lease = Enter(gate, "10.0.0.1")!;
        lease.Dispose();
        lease.Dispose();

        Assert.Equal(0, gate.Pending);
        Assert.NotNull(Enter(gate, "10.0.0.1"));
    }

    [Fact]
    public void A_full_budget_evicts_its_oldest_handshake_to_admit_a_newcomer()
    {
        var gate = new HandshakeGate(limit: 2, perAddress: 5);
        var evicted = new List<string>();
        var oldest = Enter(gate, "10.0.0.1", () => evicted.Add("oldest"))!;
        Enter(gate, "10.0.0.2", () => evicted.Add("second"));

        Assert.NotNull(Enter(gate, "10.0.0.3", () => evicted.Add("newcomer")));

        Assert.Equal(["oldest"], evicted);
        Assert.Equal(2, gate.Pending);
        // The evicted connection's own close disposes its lease later: that changes nothing more.
        oldest.Dispose();
        Assert.Equal(2, gate.Pending);
        Assert.NotNull(Enter(gate, "10.0.0.1"));
        Assert.Equal(["oldest", "second"], evicted);
    }
}
