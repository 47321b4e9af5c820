using Spotify.Rx.Client;
using Spotify.Rx.Swarm.Report;

namespace Spotify.Rx.Swarm.Tests;

public class ReportBuilderTests
{
    private static readonly RunSettings Settings = new(3, TimeSpan.FromSeconds(60), 4, 40, 1.0, "ttl30", 1, "dotnet run --project tools/Swarm");

    private static PlayReport Play(string peer, double ttfaMs, long server, long peers, long cache, bool randomAccess = false, int pauses = 0, int stutters = 0) =>
        new(peer, "track", TimeSpan.Zero, TimeSpan.FromMilliseconds(ttfaMs), pauses, stutters, server, peers, cache, randomAccess);

    private static SwarmSample Sample(int second, int connections, int uploads, int maxConnections = 0, int maxUploads = 0, long server = 0, long peers = 0, long cache = 0) =>
        new(TimeSpan.FromSeconds(second), 3, 3, 0, connections, uploads, 1, maxConnections, maxUploads, server, peers, cache);

    [Fact]
    public void Percentiles_are_measured_values_at_their_nearest_rank()
    {
        var p = ReportBuilder.Summarise(Enumerable.Range(1, 100).Reverse().Select(ms => TimeSpan.FromMilliseconds(ms)));

        Assert.Equal(new Percentiles(100, 50, 90, 99, 100, 50.5), p);
    }

    [Fact]
    public void A_single_latency_is_every_percentile()
    {
        var p = ReportBuilder.Summarise([TimeSpan.FromMilliseconds(7)]);

        Assert.Equal(new Percentiles(1, 7, 7, 7, 7, 7), p);
    }

    [Fact]
    public void Bytes_by_source_add_up_to_the_total_and_shares_to_one()
    {
        var plays = new[] { Play("a", 5, 100, 300, 600), Play("b", 6, 50, 0, 950), Play("a", 9, 25, 75, 0) };

        var report = ReportBuilder.Build(Settings, TimeSpan.FromSeconds(61), plays, []);

        Assert.Equal(new ByteShares(175, 375, 1550), report.Bytes);
        Assert.Equal(2100, report.Bytes.Total);
        Assert.Equal(1.0, report.Bytes.ServerShare + report.Bytes.PeerShare + report.Bytes.CacheShare, 12);
        Assert.Equal(report.Bytes.Total, report.Clients.Sum(c => c.Bytes.Total));
    }

    [Fact]
    public void Random_access_plays_are_counted_and_timed_apart_from_playlist_plays()
    {
        var plays = new[] { Play("a", 30, 1, 0, 0, randomAccess: true), Play("a", 2, 0, 1, 0), Play("b", 40, 1, 0, 0, randomAccess: true), Play("b", 4, 0, 0, 1) };

        var report = ReportBuilder.Build(Settings, TimeSpan.FromSeconds(60), plays, []);

        Assert.Equal(4, report.Plays);
        Assert.Equal(2, report.RandomAccessPlays);
        Assert.Equal(0.5, report.RandomAccessShare);
        Assert.Equal(40, report.TimeToFirstAudioRandomAccess.Max);
        Assert.Equal(4, report.TimeToFirstAudioSequential.Max);
        Assert.Equal(4, report.TimeToFirstAudio.Count);
    }

    [Fact]
    public void Pauses_and_stutters_are_summed_and_plays_with_a_stutter_counted_once()
    {
        var plays = new[] { Play("a", 1, 1, 0, 0, pauses: 2, stutters: 3), Play("b", 1, 1, 0, 0, pauses: 1), Play("c", 1, 1, 0, 0) };

        var report = ReportBuilder.Build(Settings, TimeSpan.FromSeconds(60), plays, []);

        Assert.Equal(3, report.Pauses);
        Assert.Equal(3, report.Stutters);
        Assert.Equal(1, report.PlaysWithStutter);
        Assert.Equal(1 / 3.0, report.StutterRate, 12);
    }

    [Fact]
    public void Each_client_gets_its_own_line_in_peer_order()
    {
        var plays = new[] { Play("peer-b", 10, 1, 0, 0), Play("peer-a", 20, 0, 1, 0), Play("peer-b", 30, 0, 0, 1) };

        var report = ReportBuilder.Build(Settings, TimeSpan.FromSeconds(60), plays, []);

        Assert.Equal(["peer-a", "peer-b"], report.Clients.Select(c => c.PeerId));
        Assert.Equal(2, report.Clients[1].Plays);
        Assert.Equal(10, report.Clients[1].TimeToFirstAudioP50Ms);
    }

    [Fact]
    public void The_clients_own_counters_come_from_the_latest_sample_whatever_the_order()
    {
        var samples = new[] { Sample(2, 0, 0, server: 10, peers: 20, cache: 30), Sample(1, 0, 0, server: 1, peers: 1, cache: 1) };

        var report = ReportBuilder.Build(Settings, TimeSpan.FromSeconds(60), [], samples);

        Assert.Equal(new ByteShares(10, 20, 30), report.ClientCounters);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], report.Timeline.Select(s => s.At));
    }

    [Fact]
    public void Overlay_use_gives_means_and_peaks_of_the_swarm_and_of_its_busiest_client()
    {
        var samples = new[] { Sample(1, 4, 1, maxConnections: 2, maxUploads: 1), Sample(2, 8, 3, maxConnections: 5, maxUploads: 2), Sample(3, 6, 2, maxConnections: 3, maxUploads: 1) };

        var overlay = ReportBuilder.Build(Settings, TimeSpan.FromSeconds(60), [], samples).Overlay;

        Assert.Equal(new OverlayUse(6, 8, 5, 2, 3, 2, 1), overlay);
    }

    [Fact]
    public void A_run_without_plays_reports_zeros_rather_than_failing()
    {
        var report = ReportBuilder.Build(Settings, TimeSpan.FromSeconds(1), [], []);

        Assert.Equal(0, report.Plays);
        Assert.Equal(Percentiles.Empty, report.TimeToFirstAudio);
        Assert.Equal(0, report.Bytes.ServerShare);
        Assert.Null(report.ClientCounters);
    }
}
