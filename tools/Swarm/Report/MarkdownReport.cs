using System.Globalization;
using System.Text;

namespace Spotify.Rx.Swarm.Report;

/// <summary>The report as Markdown: printed at the end of a run and written to report.md.</summary>
public static class MarkdownReport
{
    public static string Render(SwarmReport report, IReadOnlyList<string>? charts = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var s = report.Settings;
        var md = new StringBuilder();
        Line(md, "# Swarm report");
        Line(md);
        Line(md, $"`{s.Command}`");
        Line(md);
        Line(md, $"{s.Clients} clients, {Seconds(s.Duration)} at speed {Num(s.Speed)}x, {s.Tracks} tracks ({s.Catalogue} catalogue), Zipf exponent {Num(s.ZipfExponent)}, cache {s.Cache}, seed {s.Seed}, warm-up {Seconds(s.Warmup)}; ran {Seconds(report.WallTime)} of wall time.");
        Line(md);
        Line(md, $"Where it ran: {s.Network}.");
        Line(md);

        if (report.SteadyState is { } steady)
        {
            Line(md, $"## Steady state (wall time from {Seconds(steady.From)} on)");
            Line(md);
            Line(md, "| | server | peers | cache | bytes | plays | plays with a stutter | first audio p50 / p90 / p99 (ms) |");
            Line(md, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
            var t = steady.TimeToFirstAudio;
            Line(md, $"| this swarm | {Pct(steady.Server)} | {Pct(steady.Peers)} | {Pct(steady.Cache)} | {Bytes(steady.TotalBytes)} | {steady.Plays} | {steady.PlaysWithStutter} ({Pct(steady.StutterRate)}) | {Num(t.P50)} / {Num(t.P90)} / {Num(t.P99)} |");
            Line(md, $"| Spotify 2010 | {Pct(ByteShares.Paper.Server)} | {Pct(ByteShares.Paper.Peers)} | {Pct(ByteShares.Paper.Cache)} | | | < 1 % | 265 median |");
            Line(md);
            Line(md, "Bytes: what each client's own counters grew by after the warm-up (cut-short plays included); plays: those that finished after it.");
            if (report.ServerSent?.SteadyState is { } sentAfter)
                Line(md, $" The server's own count of audio bytes it sent after the warm-up: {Bytes(sentAfter)}, against {Bytes(steady.ServerBytes)} the clients kept from it.");
            Line(md);
        }

        Line(md, "## Time to first audio (ms)");
        Line(md);
        Line(md, "| plays | count | p50 | p90 | p99 | max | mean |");
        Line(md, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        Latency(md, "all", report.TimeToFirstAudio);
        Latency(md, "random access", report.TimeToFirstAudioRandomAccess);
        Latency(md, "in a playlist", report.TimeToFirstAudioSequential);
        Line(md);
        Line(md, s.Hosts > 0
            ? "The paper measured a median of 265 ms over the Internet; these are figures on one machine's bridge, with no delay on the wire."
            : "The paper measured a median of 265 ms over the Internet; these are loopback figures.");
        Line(md);

        if (report.Cost is { } cost)
        {
            Line(md, "## Cost");
            Line(md);
            Line(md, "| CPU | wall | CPU ms per client per wall second | the same, later half | threads (peak) | threads (end) | machine busy |");
            Line(md, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            Line(md, $"| {Seconds(cost.Cpu)} | {Seconds(cost.Wall)} | {cost.CpuMsPerClientPerSecond.ToString("0.00", CultureInfo.InvariantCulture)} | {cost.LaterHalfCpuMsPerClientPerSecond?.ToString("0.00", CultureInfo.InvariantCulture)} | {cost.PeakThreads} | {cost.Threads} | {(cost.MachineBusy is { } busy ? $"{Pct(busy)} of {Environment.ProcessorCount} cores" : "")} |");
            Line(md);
            Line(md, s.Hosts > 0
                ? $"The CPU of the {s.Hosts} client hosts' processes; the server, the trackers and Redis are not in it."
                : "The server and the tracker run in the same process: their CPU is in the per-client figure.");
            Line(md, " The later half leaves out the start, when every client begins its first play in a cold process.");
            if (cost.MachineBusy is not null)
                Line(md, " Machine busy is the kernel's tick-sampled count (/proc/stat): it reads low for short bursts of work, so it is a lower bound.");
            Line(md);
        }

        Line(md, "## Plays");
        Line(md);
        Line(md, "| plays | random access | pauses | stutters | plays with a stutter |");
        Line(md, "| ---: | ---: | ---: | ---: | ---: |");
        Line(md, $"| {report.Plays} | {report.RandomAccessPlays} ({Pct(report.RandomAccessShare)}) | {report.Pauses} | {report.Stutters} | {report.PlaysWithStutter} ({Pct(report.StutterRate)}) |");
        Line(md);

        Line(md, "## Where the bytes came from");
        Line(md);
        Line(md, "| source | bytes | share | paper |");
        Line(md, "| --- | ---: | ---: | ---: |");
        var b = report.Bytes;
        Line(md, $"| server | {Bytes(b.Server)} | {Pct(b.ServerShare)} | {Pct(ByteShares.Paper.Server)} |");
        Line(md, $"| peers | {Bytes(b.Peers)} | {Pct(b.PeerShare)} | {Pct(ByteShares.Paper.Peers)} |");
        Line(md, $"| cache | {Bytes(b.Cache)} | {Pct(b.CacheShare)} | {Pct(ByteShares.Paper.Cache)} |");
        Line(md, $"| total | {Bytes(b.Total)} | | |");
        Line(md);
        var counters = report.ClientCounters is { } c
            ? $" The clients' own counters at the end, which include plays the run's end cut short: server {Bytes(c.Server)} ({Pct(c.ServerShare)}), peers {Bytes(c.Peers)} ({Pct(c.PeerShare)}), cache {Bytes(c.Cache)} ({Pct(c.CacheShare)})."
            : "";
        var server = report.ServerSent is { } sent
            ? $" The server's own count of the audio bytes it sent while the clients listened: {Bytes(sent.Run)} (it includes copies a client dropped because a peer's landed first, and parts a skip cut short)."
            : "";
        Line(md, "Summed over finished plays." + counters + server);
        Line(md);

        Line(md, "## Overlay use");
        Line(md);
        var o = report.Overlay;
        Line(md, "| | mean (swarm) | peak (swarm) | peak of one client | limit per client |");
        Line(md, "| --- | ---: | ---: | ---: | ---: |");
        Line(md, $"| peer connections | {Num(o.MeanConnections)} | {o.PeakConnections} | {o.PeakConnectionsOfOneClient} | 60 |");
        Line(md, $"| upload slots in use | {Num(o.MeanUploads)} | {o.PeakUploads} | {o.PeakUploadsOfOneClient} | 4 |");
        Line(md, $"| download sources | | {o.PeakDownloadSources} | | 5 per track |");
        Line(md);

        Line(md, "## Clients");
        Line(md);
        Line(md, "| peer | plays | first audio p50 (ms) | pauses | stutters | server | peers | cache |");
        Line(md, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var client in report.Clients)
        {
            var cb = client.Bytes;
            Line(md, $"| {client.PeerId} | {client.Plays} | {Num(client.TimeToFirstAudioP50Ms)} | {client.Pauses} | {client.Stutters} | {Pct(cb.ServerShare)} | {Pct(cb.PeerShare)} | {Pct(cb.CacheShare)} |");
        }

        if (report.Failures.Count > 0)
        {
            Line(md);
            Line(md, "## Failures");
            Line(md);
            foreach (var failure in report.Failures) Line(md, $"- {failure}");
        }

        if (charts is { Count: > 0 })
        {
            Line(md);
            Line(md, "## Charts");
            Line(md);
            foreach (var chart in charts) Line(md, $"![{Path.GetFileNameWithoutExtension(chart)}]({chart})");
        }
        return md.ToString();
    }

    private static void Latency(StringBuilder md, string name, Percentiles p) =>
        Line(md, $"| {name} | {p.Count} | {Num(p.P50)} | {Num(p.P90)} | {Num(p.P99)} | {Num(p.Max)} | {Num(p.Mean)} |");

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');

    public static string Pct(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Num(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
