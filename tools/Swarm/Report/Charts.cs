using Spotify.Rx.Client;
using ScottPlot;

namespace Spotify.Rx.Swarm.Report;

/// <summary>
/// PNG charts of a report (ScottPlot on SkiaSharp). Each method returns the file name it wrote,
/// relative to <c>folder</c>, so the Markdown can link it.
/// </summary>
public static class Charts
{
    private const int Width = 900;
    private const int Height = 500;

    public static IReadOnlyList<string> WriteAll(SwarmReport report, IReadOnlyList<PlayReport> plays, string folder)
    {
        Directory.CreateDirectory(folder);
        return
        [
            TimeToFirstAudio(plays, folder),
            Sources(report, folder),
            OverlayUse(report, folder),
        ];
    }

    /// <summary>The distribution of time to first audio, as a cumulative curve.</summary>
    public static string TimeToFirstAudio(IReadOnlyList<PlayReport> plays, string folder)
    {
        var plot = new Plot();
        foreach (var (name, selected) in new[]
                 {
                     ("all plays", plays),
                     ("random access", plays.Where(p => p.RandomAccess).ToList()),
                 })
        {
            var ms = selected.Select(p => p.TimeToFirstAudio.TotalMilliseconds).Order().ToArray();
            if (ms.Length == 0) continue;
            var fraction = Enumerable.Range(1, ms.Length).Select(i => 100.0 * i / ms.Length).ToArray();
            var line = plot.Add.ScatterLine(ms, fraction);
            line.LegendText = name;
        }
        plot.Title("Time to first audio");
        plot.XLabel("milliseconds");
        plot.YLabel("% of plays");
        plot.ShowLegend(Alignment.LowerRight);
        return Save(plot, folder, "time-to-first-audio.png");
    }

    /// <summary>Shares of bytes by source beside the paper's.</summary>
    public static string Sources(SwarmReport report, string folder)
    {
        var plot = new Plot();
        var b = report.Bytes;
        double[] swarm = [b.ServerShare * 100, b.PeerShare * 100, b.CacheShare * 100];
        double[] paper = [ByteShares.Paper.Server * 100, ByteShares.Paper.Peers * 100, ByteShares.Paper.Cache * 100];
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (int i = 0; i < 3; i++)
        {
            bars.Add(new Bar { Position = i * 3 + 1, Value = swarm[i], FillColor = palette.GetColor(0) });
            bars.Add(new Bar { Position = i * 3 + 2, Value = paper[i], FillColor = palette.GetColor(1) });
        }
        plot.Add.Bars(bars);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "this swarm", FillColor = palette.GetColor(0) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "Spotify 2010", FillColor = palette.GetColor(1) });
        // Upper centre: the peers' bars are the lowest pair that can sit under it.
        plot.ShowLegend(Alignment.UpperCenter);
        plot.Axes.Bottom.SetTicks([1.5, 4.5, 7.5], ["server", "peers", "cache"]);
        plot.Axes.Margins(bottom: 0);
        plot.Title("Where the bytes came from");
        plot.YLabel("% of bytes");
        return Save(plot, folder, "byte-sources.png");
    }

    /// <summary>Peer connections, upload slots and playing clients over the run.</summary>
    public static string OverlayUse(SwarmReport report, string folder)
    {
        var plot = new Plot();
        var t = report.Timeline;
        if (t.Count > 0)
        {
            double[] seconds = t.Select(s => s.At.TotalSeconds).ToArray();
            Series(plot, seconds, t.Select(s => (double)s.Connections).ToArray(), "peer connections");
            Series(plot, seconds, t.Select(s => (double)s.Uploads).ToArray(), "upload slots in use");
            Series(plot, seconds, t.Select(s => (double)s.DownloadSources).ToArray(), "download sources");
            Series(plot, seconds, t.Select(s => (double)s.Playing).ToArray(), "clients playing");
        }
        plot.Title("Overlay use over the run (whole swarm)");
        plot.XLabel("seconds of wall time");
        plot.ShowLegend(Alignment.UpperLeft);
        return Save(plot, folder, "overlay-use.png");

        static void Series(Plot plot, double[] x, double[] y, string name)
        {
            var line = plot.Add.ScatterLine(x, y);
            line.LegendText = name;
        }
    }

    private static string Save(Plot plot, string folder, string name)
    {
        plot.SavePng(Path.Combine(folder, name), Width, Height);
        return name;
    }
}
