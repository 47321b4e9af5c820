using Spotify.Rx.Common.Contracts;

namespace Spotify.Rx.Tracker.Tests;

public sealed class PeerSamplerTests
{
    private static readonly PeerInfo[] Twenty = Enumerable.Range(1, 20).Select(n => new PeerInfo($"peer-{n}", $"10.0.0.{n}:4000")).ToArray();

    [Fact]
    public void A_draw_returns_ten_distinct_peers_of_the_twenty()
    {
        var drawn = new PeerSampler(new Random(1), 10).Draw(Twenty, "someone-else");

        Assert.Equal(10, drawn.Count);
        Assert.Equal(10, drawn.Distinct().Count());
        Assert.All(drawn, p => Assert.Contains(p, Twenty));
    }

    [Fact]
    public void A_draw_never_returns_the_caller()
    {
        var sampler = new PeerSampler(new Random(2), 10);

        for (var i = 0; i < 200; i++)
            Assert.DoesNotContain(sampler.Draw(Twenty, "peer-3"), p => p.PeerId == "peer-3");
    }

    [Fact]
    public void Fewer_peers_than_a_draw_are_all_returned_but_the_caller()
    {
        var drawn = new PeerSampler(new Random(3), 10).Draw(Twenty[..4], "peer-2");

        Assert.Equal(["peer-1", "peer-3", "peer-4"], drawn.Select(p => p.PeerId).Order());
    }

    [Fact]
    public void Draws_spread_over_all_recent_peers_instead_of_the_newest_ten()
    {
        var sampler = new PeerSampler(new Random(4), 10);
        var timesDrawn = Twenty.ToDictionary(p => p.PeerId, _ => 0);

        for (var i = 0; i < 2000; i++)
            foreach (var p in sampler.Draw(Twenty, "someone-else")) timesDrawn[p.PeerId]++;

        // Each peer is in a draw with probability 1/2: 1000 expected of 2000, far from 0 or 2000.
        Assert.All(timesDrawn.Values, n => Assert.InRange(n, 850, 1150));
    }

    [Fact]
    public void The_same_seed_draws_the_same_peers()
    {
        var a = new PeerSampler(new Random(5), 10);
        var b = new PeerSampler(new Random(5), 10);

        for (var i = 0; i < 20; i++) Assert.Equal(a.Draw(Twenty, "x"), b.Draw(Twenty, "x"));
    }
}
