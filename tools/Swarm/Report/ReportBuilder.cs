using Spotify.Rx.Client;
namespace Spotify.Rx.Swarm.Report;

/// <summary>
/// Turns what the swarm observed into its report. Pure: the same plays and samples give the
/// same report, so every figure is checked by unit tests rather than by reading a run.
/// </summary>
public static class ReportBuilder
{
    /// <summary>
    /// The report of a run with everything it observed: the steady state after
    /// <see cref="RunSettings.Warmup"/> and the shares over time come from the per-client samples.
    /// </summary>
    public static SwarmReport Build(
        RunSettings settings,
        TimeSpan wallTime,
        SwarmObservations observed,
        IReadOnlyList<SwarmSample> timeline,
        IReadOnlyList<string>? failures = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(observed);
        var report = Build(settings, wallTime, observed.Plays.Select(p => p.Play).ToList(), timeline, failures);
        return report with
        {
            SteadyState = SteadyState(settings.Warmup, observed.Samples, observed.Plays),
            SharesOverTime = SharesOverTime(observed.Samples, IntervalFor(wallTime)),
        };
    }

    public static SwarmReport Build(
        RunSettings settings,
        TimeSpan wallTime,
        IReadOnlyList<PlayReport> plays,
        IReadOnlyList<SwarmSample> timeline,
        IReadOnlyList<string>? failures = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(plays);
        ArgumentNullException.ThrowIfNull(timeline);

        var ordered = timeline.OrderBy(s => s.At).ToList();
        var clients = plays
            .GroupBy(p => p.PeerId)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ClientSummary(
                g.Key,
                g.Count(),
                Summarise(g.Select(p => p.TimeToFirstAudio)).P50,
                g.Sum(p => p.Pauses),
                g.Sum(p => p.Stutters),
                Sum(g)))
            .ToList();

        // The last sample holds the clients' own cumulative counters, which also count plays the
        // end of the run cut short; the report shows them beside the finished plays' sum.
        var last = ordered.Count > 0 ? ordered[^1] : null;
        var counters = last is null ? null : new ByteShares(last.ServerBytes, last.PeerBytes, last.CacheBytes);

        return new SwarmReport(
            settings,
            wallTime,
            plays.Count,
            plays.Count(p => p.RandomAccess),
            Summarise(plays.Select(p => p.TimeToFirstAudio)),
            Summarise(plays.Where(p => p.RandomAccess).Select(p => p.TimeToFirstAudio)),
            Summarise(plays.Where(p => !p.RandomAccess).Select(p => p.TimeToFirstAudio)),
            plays.Sum(p => p.Pauses),
            plays.Sum(p => p.Stutters),
            plays.Count(p => p.Stutters > 0),
            Sum(plays),
            counters,
            Overlay(ordered),
            clients,
            ordered,
            failures ?? []);
    }

    /// <summary>
    /// The figures after the warm-up: for each client, what its counters grew by from its last
    /// sample at or before <paramref name="from"/> (nothing, for a client that joined later) to its
    /// last sample; and the plays that finished at or after <paramref name="from"/>.
    /// </summary>
    public static SteadyState SteadyState(TimeSpan from, IReadOnlyList<ClientSample> samples, IReadOnlyList<FinishedPlay> plays)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(plays);
        var clients = ByClient(samples);
        var start = Counters(clients, from);
        var end = Counters(clients, TimeSpan.MaxValue);
        var after = plays.Where(p => p.At >= from).Select(p => p.Play).ToList();
        return new SteadyState(
            from,
            end.Server - start.Server,
            end.Peers - start.Peers,
            end.Cache - start.Cache,
            after.Count,
            after.Count(p => p.Stutters > 0),
            Summarise(after.Select(p => p.TimeToFirstAudio)));
    }

    /// <summary>
    /// The bytes the swarm received in each <paramref name="interval"/> of wall time, from the
    /// per-client counters (a client that left keeps its last counters, so nothing goes negative).
    /// </summary>
    public static IReadOnlyList<IntervalShares> SharesOverTime(IReadOnlyList<ClientSample> samples, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), interval, "must be positive");
        if (samples.Count == 0) return [];
        var clients = ByClient(samples);
        var last = samples.Max(s => s.At);
        var result = new List<IntervalShares>();
        var before = new ByteShares(0, 0, 0);
        for (var from = TimeSpan.Zero; from < last; from += interval)
        {
            var to = from + interval < last ? from + interval : last;
            var now = Counters(clients, to);
            result.Add(new IntervalShares(from, to, new ByteShares(now.Server - before.Server, now.Peers - before.Peers, now.Cache - before.Cache)));
            before = now;
        }
        return result;
    }

    /// <summary>About forty points on the share curve, in whole seconds of at least five.</summary>
    public static TimeSpan IntervalFor(TimeSpan wallTime) =>
        TimeSpan.FromSeconds(Math.Max(5, Math.Ceiling(wallTime.TotalSeconds / 40)));

    private static List<ClientSample[]> ByClient(IReadOnlyList<ClientSample> samples) =>
        samples.GroupBy(s => s.PeerId, StringComparer.Ordinal).Select(g => g.OrderBy(s => s.At).ToArray()).ToList();

    /// <summary>The swarm's counters at <paramref name="at"/>: each client's last sample at or before it, summed.</summary>
    private static ByteShares Counters(List<ClientSample[]> clients, TimeSpan at)
    {
        long server = 0, peers = 0, cache = 0;
        foreach (var samples in clients)
        {
            int lo = 0, hi = samples.Length - 1, found = -1;
            while (lo <= hi)
            {
                int mid = (lo + hi) / 2;
                if (samples[mid].At <= at) { found = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            if (found < 0) continue;
            server += samples[found].ServerBytes;
            peers += samples[found].PeerBytes;
            cache += samples[found].CacheBytes;
        }
        return new ByteShares(server, peers, cache);
    }

    /// <summary>Nearest-rank percentiles in milliseconds: each one is a latency that was measured.</summary>
    public static Percentiles Summarise(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Select(v => v.TotalMilliseconds).Order().ToArray();
        if (sorted.Length == 0) return Percentiles.Empty;
        return new Percentiles(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), sorted[^1], sorted.Average());

        static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static ByteShares Sum(IEnumerable<PlayReport> plays)
    {
        long server = 0, peers = 0, cache = 0;
        foreach (var p in plays)
        {
            server += p.ServerBytes;
            peers += p.PeerBytes;
            cache += p.CacheBytes;
        }
        return new ByteShares(server, peers, cache);
    }

    private static OverlayUse Overlay(IReadOnlyList<SwarmSample> timeline)
    {
        if (timeline.Count == 0) return new OverlayUse(0, 0, 0, 0, 0, 0, 0);
        return new OverlayUse(
            timeline.Average(s => s.Connections),
            timeline.Max(s => s.Connections),
            timeline.Max(s => s.MaxConnections),
            timeline.Average(s => s.Uploads),
            timeline.Max(s => s.Uploads),
            timeline.Max(s => s.MaxUploads),
            timeline.Max(s => s.DownloadSources));
    }
}
