using Spotify.Rx.Client;
namespace Spotify.Rx.Swarm.Report;

/// <summary>
/// Turns what the swarm observed into its report. Pure: the same plays and samples give the
/// same report, so every figure is checked by unit tests rather than by reading a run.
/// </summary>
public static class ReportBuilder
{
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
