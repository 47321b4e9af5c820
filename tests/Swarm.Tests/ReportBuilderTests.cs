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

    private static ClientSample At(double second, string peer, long server, long peers, long cache) =>
        new(TimeSpan.FromSeconds(second), peer, "Playing", "track", TimeSpan.FromSeconds(12), false, server, peers, cache, 1, 0, 1);

    [Fact]
    public void The_steady_state_shares_come_from_the_samples_after_the_warm_up_only_and_add_up_to_one()
    {
        // The warm-up (first 60 s) is all server; afterwards a's counters grow by 10 / 30 / 60, b's by 0 / 40 / 60.
        ClientSample[] samples =
        [
            At(0, "a", 0, 0, 0), At(30, "a", 500, 0, 0), At(60, "a", 1000, 0, 0), At(90, "a", 1005, 15, 30), At(120, "a", 1010, 30, 60),
            At(0, "b", 0, 0, 0), At(59.75, "b", 800, 0, 0), At(120, "b", 800, 40, 60),
        ];

        var steady = ReportBuilder.SteadyState(TimeSpan.FromSeconds(60), samples, []);

        Assert.Equal((10L, 70L, 120L), (steady.ServerBytes, steady.PeerBytes, steady.CacheBytes));
        Assert.Equal(0.05, steady.Server, 9);
        Assert.Equal(0.35, steady.Peers, 9);
        Assert.Equal(0.60, steady.Cache, 9);
        Assert.Equal(1.0, steady.Server + steady.Peers + steady.Cache, 12);
    }

    [Fact]
    public void Without_a_warm_up_the_steady_state_is_the_whole_run()
    {
        ClientSample[] samples = [At(0.25, "a", 100, 0, 0), At(10, "a", 300, 200, 500)];

        var steady = ReportBuilder.SteadyState(TimeSpan.Zero, samples, []);

        Assert.Equal(1000, steady.TotalBytes);
        Assert.Equal((0.3, 0.2, 0.5), (steady.Server, steady.Peers, steady.Cache));
    }

    [Fact]
    public void A_client_that_joins_after_the_warm_up_counts_from_zero_and_one_that_left_keeps_what_it_received()
    {
        ClientSample[] samples =
        [
            At(10, "early", 100, 0, 0), At(50, "early", 400, 100, 0), // left at 50 s: no samples after
            At(80, "late", 50, 0, 0), At(100, "late", 50, 150, 300),
        ];

        var steady = ReportBuilder.SteadyState(TimeSpan.FromSeconds(20), samples, []);

        Assert.Equal((350L, 250L, 300L), (steady.ServerBytes, steady.PeerBytes, steady.CacheBytes));
    }

    [Fact]
    public void Steady_state_plays_are_those_that_finished_after_the_warm_up()
    {
        FinishedPlay[] plays =
        [
            new(TimeSpan.FromSeconds(10), Play("a", 900, 1, 0, 0, stutters: 2)),
            new(TimeSpan.FromSeconds(70), Play("a", 20, 1, 0, 0)),
            new(TimeSpan.FromSeconds(80), Play("b", 40, 1, 0, 0, stutters: 1)),
            new(TimeSpan.FromSeconds(90), Play("b", 30, 1, 0, 0)),
        ];

        var steady = ReportBuilder.SteadyState(TimeSpan.FromSeconds(60), [], plays);

        Assert.Equal(3, steady.Plays);
        Assert.Equal(1, steady.PlaysWithStutter);
        Assert.Equal(1 / 3.0, steady.StutterRate, 9);
        Assert.Equal(new Percentiles(3, 30, 40, 40, 40, 30), steady.TimeToFirstAudio);
        Assert.Equal((0.0, 0.0, 0.0), (steady.Server, steady.Peers, steady.Cache));
    }

    [Fact]
    public void The_shares_over_time_split_the_clients_counters_into_intervals_that_add_up_to_the_end()
    {
        ClientSample[] samples =
        [
            At(5, "a", 100, 0, 0), At(10, "a", 200, 100, 0), At(20, "a", 200, 100, 700),
            At(12, "b", 0, 50, 0), At(18, "b", 0, 250, 0),
        ];

        var intervals = ReportBuilder.SharesOverTime(samples, TimeSpan.FromSeconds(10));

        Assert.Equal(
            [
                new IntervalShares(TimeSpan.Zero, TimeSpan.FromSeconds(10), new ByteShares(200, 100, 0)),
                new IntervalShares(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), new ByteShares(0, 250, 700)),
            ],
            intervals);
    }

    [Fact]
    public void A_report_built_from_observations_carries_the_steady_state_after_the_settings_warm_up()
    {
        var settings = Settings with { Warmup = TimeSpan.FromSeconds(60) };
        var observed = new SwarmObservations(
            [new(TimeSpan.FromSeconds(30), Play("a", 5, 100, 0, 0)), new(TimeSpan.FromSeconds(90), Play("a", 7, 0, 0, 100))],
            [At(30, "a", 100, 0, 0), At(90, "a", 100, 0, 100)],
            []);

        var report = ReportBuilder.Build(settings, TimeSpan.FromSeconds(120), observed, []);

        Assert.Equal(2, report.Plays);
        var steady = Assert.IsType<SteadyState>(report.SteadyState);
        Assert.Equal((0.0, 0.0, 1.0), (steady.Server, steady.Peers, steady.Cache));
        Assert.Equal(1, steady.Plays);
    }
}
