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

    public static IReadOnlyList<string> WriteAll(SwarmReport report, SwarmObservations observed, string folder)
    {
        Directory.CreateDirectory(folder);
        return
        [
            TimeToFirstAudio(observed.Plays.Select(p => p.Play).ToList(), folder),
            Sources(report, folder),
            SharesOverTime(report, folder),
            BufferHeatMap(observed.Samples, folder),
            OverlayUse(report, folder),
        ];
    }

    /// <summary>
    /// The paper's headline as a curve: each interval's bytes by source, as shares, with the
    /// paper's steady-state shares as dashed lines and the end of the warm-up marked.
    /// </summary>
    public static string SharesOverTime(SwarmReport report, string folder)
    {
        var plot = new Plot();
        var intervals = report.SharesOverTime.Where(i => i.Bytes.Total > 0).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        if (intervals.Count > 0)
        {
            double[] x = intervals.Select(i => i.To.TotalSeconds).ToArray();
            var sources = new (string Name, Func<ByteShares, double> Share, double Paper)[]
            {
                ("server", b => b.ServerShare, ByteShares.Paper.Server),
                ("peers", b => b.PeerShare, ByteShares.Paper.Peers),
                ("cache", b => b.CacheShare, ByteShares.Paper.Cache),
            };
            for (int k = 0; k < sources.Length; k++)
            {
                var line = plot.Add.ScatterLine(x, intervals.Select(i => sources[k].Share(i.Bytes) * 100).ToArray());
                line.LegendText = sources[k].Name;
                line.Color = palette.GetColor(k);
                line.LineWidth = 2;
                var paper = plot.Add.HorizontalLine(sources[k].Paper * 100);
                paper.Color = palette.GetColor(k);
                paper.LinePattern = LinePattern.Dashed;
                paper.LineWidth = 1;
            }
        }
        if (report.Settings.Warmup > TimeSpan.Zero)
        {
            var warmup = plot.Add.VerticalLine(report.Settings.Warmup.TotalSeconds);
            warmup.Color = Colors.Gray;
            warmup.LinePattern = LinePattern.Dotted;
            warmup.LabelText = "end of warm-up";
        }
        plot.Axes.SetLimitsY(0, 100);
        plot.Title("Where each interval's bytes came from (dashed: Spotify 2010)");
        plot.XLabel("seconds of wall time");
        plot.YLabel("% of the interval's bytes");
        plot.ShowLegend(Alignment.UpperRight);
        return Save(plot, folder, "shares-over-time.png");
    }

    /// <summary>Buffer level below which rule 3 falls back to the server: red on the heat map.</summary>
    public static readonly TimeSpan LowBuffer = TimeSpan.FromSeconds(10);

    /// <summary>The heat map's top colour: a buffer this deep (or a track fully downloaded) is as safe as it gets.</summary>
    public static readonly TimeSpan FullBuffer = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Each client's buffer (rows, in peer order) over time (columns): red below 10 s, yellow to
    /// green up to 30 s, grey when the client is not playing a track (idle, between sessions, not
    /// joined yet or gone).
    /// </summary>
    public static string BufferHeatMap(IReadOnlyList<ClientSample> samples, string folder)
    {
        var plot = new Plot();
        var grid = BufferGrid(samples, out double columnSeconds);
        if (grid.GetLength(0) > 0 && grid.GetLength(1) > 0)
        {
            // The heat map draws row 0 at the top; peer-000 goes at the bottom, where the axis says 0.
            int rows = grid.GetLength(0), columns = grid.GetLength(1);
            var upward = new double[rows, columns];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++) upward[rows - 1 - r, c] = grid[r, c];
            var map = plot.Add.Heatmap(upward);
            map.Colormap = new BufferColours();
            map.ManualRange = new ScottPlot.Range(0, FullBuffer.TotalSeconds);
            map.NaNCellColor = Colors.LightGray;
            map.Extent = new CoordinateRect(0, grid.GetLength(1) * columnSeconds, 0, grid.GetLength(0));
            plot.Add.ColorBar(map).Label = "buffer ahead (s)";
        }
        plot.Title($"Buffer level per client (red below {LowBuffer.TotalSeconds:0} s, grey: not playing)");
        plot.XLabel("seconds of wall time");
        plot.YLabel("client");
        return Save(plot, folder, "buffer-heat-map.png");
    }

    /// <summary>
    /// Rows are clients in peer order, columns about 400 slices of the run;
    /// each cell is the lowest buffer a sample in the slice saw, NaN when none was playing.
    /// </summary>
    public static double[,] BufferGrid(IReadOnlyList<ClientSample> samples, out double columnSeconds)
    {
        columnSeconds = 1;
        if (samples.Count == 0) return new double[0, 0];
        var peers = samples.Select(s => s.PeerId).Distinct().Order(StringComparer.Ordinal).ToList();
        var row = peers.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        double end = samples.Max(s => s.At.TotalSeconds);
        columnSeconds = Math.Max(0.25, end / 400);
        int columns = (int)(end / columnSeconds) + 1;
        var grid = new double[peers.Count, columns];
        for (int r = 0; r < peers.Count; r++)
            for (int c = 0; c < columns; c++) grid[r, c] = double.NaN;
        foreach (var s in samples)
        {
            if (s.State is not ("Playing" or "Buffering" or "Underrun")) continue;
            int c = (int)(s.At.TotalSeconds / columnSeconds);
            double level = s.TrackComplete ? FullBuffer.TotalSeconds : Math.Min(FullBuffer.TotalSeconds, s.BufferAhead.TotalSeconds);
            ref double cell = ref grid[row[s.PeerId], c];
            cell = double.IsNaN(cell) ? level : Math.Min(cell, level);
        }
        return grid;
    }

    /// <summary>Red below 10 s of 30, then yellow turning green.</summary>
    private sealed class BufferColours : IColormap
    {
        public string Name => "buffer";

        public Color GetColor(double position)
        {
            double seconds = position * FullBuffer.TotalSeconds;
            if (double.IsNaN(position)) return Colors.LightGray;
            if (seconds < LowBuffer.TotalSeconds) return Color.FromHex("#d62728");
            double t = Math.Clamp((seconds - LowBuffer.TotalSeconds) / (FullBuffer - LowBuffer).TotalSeconds, 0, 1);
            return Color.FromHex("#f2c418").MixedWith(Color.FromHex("#2ca02c"), t);
        }
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
