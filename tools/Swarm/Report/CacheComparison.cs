using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Spotify.Rx.Swarm.Report;

/// <summary>
/// Two runs of one workload (same seed, catalogue, clients and speed) that differ only in the
/// cache policy, side by side: the seed's 30 s entries against Spotify's LRU.
/// </summary>
public static class CacheComparison
{
    public static string Render(IReadOnlyList<SwarmReport> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var md = new StringBuilder();
        md.Append("# Cache policies side by side\n\n");
        if (runs.Count > 0)
        {
            var s = runs[0].Settings;
            md.Append(CultureInfo.InvariantCulture, $"{s.Clients} clients, {s.Duration.TotalSeconds:0.#} s at {s.Speed:0.##}x, {s.Tracks} tracks ({s.Catalogue} catalogue), Zipf {s.ZipfExponent:0.##}, seed {s.Seed}, warm-up {s.Warmup.TotalSeconds:0.#} s; the same workload for each policy.\n\n");
            md.Append('`').Append(s.Command.Replace($" --cache {s.Cache}", "", StringComparison.Ordinal)).Append(" --compare-cache`\n\n");
        }
        md.Append("| | ").Append(string.Join(" | ", runs.Select(r => r.Settings.Cache))).Append(" | Spotify 2010 |\n");
        md.Append("| --- |").Append(string.Concat(runs.Select(_ => " ---: |"))).Append(" ---: |\n");
        Row(md, "steady state: server", runs, r => Pct(r.SteadyState?.Server), MarkdownReport.Pct(ByteShares.Paper.Server));
        Row(md, "steady state: peers", runs, r => Pct(r.SteadyState?.Peers), MarkdownReport.Pct(ByteShares.Paper.Peers));
        Row(md, "steady state: cache", runs, r => Pct(r.SteadyState?.Cache), MarkdownReport.Pct(ByteShares.Paper.Cache));
        Row(md, "steady state: server's own count of bytes sent", runs, r => r.ServerSent?.SteadyState is { } sent ? MarkdownReport.Bytes(sent) : "", "");
        Row(md, "steady state: bytes", runs, r => r.SteadyState is { } st ? MarkdownReport.Bytes(st.TotalBytes) : "", "");
        Row(md, "steady state: plays with a stutter", runs, r => r.SteadyState is { } st ? $"{st.PlaysWithStutter} of {st.Plays} ({MarkdownReport.Pct(st.StutterRate)})" : "", "< 1 %");
        Row(md, "steady state: first audio p50 / p90 / p99 (ms)", runs, r => r.SteadyState is { TimeToFirstAudio: var t } ? Inv($"{t.P50:0.#} / {t.P90:0.#} / {t.P99:0.#}") : "", "265 (median)");
        Row(md, "whole run: server / peers / cache (finished plays)", runs, r => $"{MarkdownReport.Pct(r.Bytes.ServerShare)} / {MarkdownReport.Pct(r.Bytes.PeerShare)} / {MarkdownReport.Pct(r.Bytes.CacheShare)}", "");
        Row(md, "whole run: plays (random access)", runs, r => $"{r.Plays} ({MarkdownReport.Pct(r.RandomAccessShare)})", "39 % random");
        Row(md, "failures", runs, r => r.Failures.Count.ToString(CultureInfo.InvariantCulture), "");
        md.Append('\n');
        return md.ToString();
    }

    public static string Json(IReadOnlyList<SwarmReport> runs) =>
        JsonSerializer.Serialize(runs.ToDictionary(r => r.Settings.Cache, r => new
        {
            steadyState = r.SteadyState,
            bytes = r.Bytes,
            plays = r.Plays,
            stutterRate = r.StutterRate,
            timeToFirstAudio = r.TimeToFirstAudio,
        }), new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });

    private static void Row(StringBuilder md, string name, IReadOnlyList<SwarmReport> runs, Func<SwarmReport, string> cell, string paper) =>
        md.Append("| ").Append(name).Append(" | ").Append(string.Join(" | ", runs.Select(cell))).Append(" | ").Append(paper).Append(" |\n");

    private static string Pct(double? share) => share is { } s ? MarkdownReport.Pct(s) : "";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
