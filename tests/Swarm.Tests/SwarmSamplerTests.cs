using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Tests;

public class SwarmSamplerTests
{
    private static PeerStatus Status(string peer, string state, int connections, int uploads, long server, long peers, long cache) =>
        PeerStatus.Idle(peer) with { State = state, Connections = connections, Uploads = uploads, DownloadSources = 1, ServerBytes = server, PeerBytes = peers, CacheBytes = cache };

    [Fact]
    public void A_sample_sums_the_clients_and_keeps_the_busiest_one()
    {
        var sample = SwarmSampler.Aggregate(TimeSpan.FromSeconds(3), [
            Status("a", "Playing", 4, 1, 100, 10, 1),
            Status("b", "Underrun", 7, 3, 200, 20, 2),
            Status("c", "Idle", 1, 0, 300, 30, 3),
        ]);

        Assert.Equal(new Report.SwarmSample(TimeSpan.FromSeconds(3), 3, 1, 1, 12, 4, 3, 7, 3, 600, 60, 6), sample);
    }

    [Fact]
    public void A_swarm_without_clients_samples_as_zeros()
    {
        var sample = SwarmSampler.Aggregate(TimeSpan.Zero, []);

        Assert.Equal(0, sample.Clients);
        Assert.Equal(0, sample.MaxConnections);
    }
}
