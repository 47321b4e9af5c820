using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Spotify.Rx.Swarm.Report;
using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Live;

/// <summary>
/// The swarm on the console while it runs: a row per client (track, position, buffer bar,
/// source, connections) and the totals. On a terminal it redraws in place (Spectre Live);
/// otherwise it prints a plain line of totals now and then, so logs stay readable.
/// </summary>
public sealed class LiveView(SwarmMonitor monitor, TimeSpan duration, IAnsiConsole console, bool redraw)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(5);

    /// <summary>The buffer bar is full at this level: rule 3 falls back below 10 s, so 30 s is plenty.</summary>
    private const double FullBarSeconds = 30;

    /// <summary>A terminal shows at most this many client rows; the totals cover the rest.</summary>
    private const int MaxRows = 40;

    public static bool CanRedraw(IAnsiConsole console) =>
        console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;

    /// <summary>Samples the swarm at 4 Hz until <paramref name="ct"/> ends, redrawing or printing as it goes.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (redraw)
        {
            await console.Live(Render(monitor.Sample()))
                .AutoClear(false)
                .Overflow(VerticalOverflow.Ellipsis)
                .StartAsync(async ctx =>
                {
                    using var timer = new PeriodicTimer(Refresh);
                    while (await Tick(timer, ct).ConfigureAwait(false))
                    {
                        ctx.UpdateTarget(Render(monitor.Sample()));
                    }
                    ctx.UpdateTarget(Render(monitor.Sample()));
                }).ConfigureAwait(false);
        }
        else
        {
            using var timer = new PeriodicTimer(Refresh);
            var nextLine = TimeSpan.Zero;
            while (await Tick(timer, ct).ConfigureAwait(false))
            {
                var sample = monitor.Sample();
                if (sample.At < nextLine) continue;
                nextLine = sample.At + PlainEvery;
                console.Profile.Out.Writer.WriteLine(PlainLine(sample, monitor.Plays.Count));
            }
            console.Profile.Out.Writer.WriteLine(PlainLine(monitor.Sample(), monitor.Plays.Count));
        }
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public static string PlainLine(SwarmSample s, int plays) => string.Create(CultureInfo.InvariantCulture,
        $"[{s.At.TotalSeconds,6:0.0}s] playing {s.Playing}/{s.Clients}, stalled {s.Stalled}, plays {plays}, connections {s.Connections}, uploads {s.Uploads}, " +
        $"bytes server {MarkdownReport.Bytes(s.ServerBytes)} / peers {MarkdownReport.Bytes(s.PeerBytes)} / cache {MarkdownReport.Bytes(s.CacheBytes)}");

    private IRenderable Render(SwarmSample totals)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.Title = new TableTitle($"Spotify.Rx swarm  {totals.At.TotalSeconds:0}s / {duration.TotalSeconds:0}s");
        table.AddColumn("peer");
        table.AddColumn("track");
        table.AddColumn(new TableColumn("position").RightAligned());
        table.AddColumn("buffer");
        table.AddColumn("state");
        table.AddColumn("source");
        table.AddColumn(new TableColumn("conns").RightAligned());
        table.AddColumn(new TableColumn("up").RightAligned());
        table.AddColumn(new TableColumn("server/peers/cache").RightAligned());
        table.AddColumn("last event");

        var clients = monitor.Clients;
        foreach (var c in clients.Take(MaxRows))
        {
            table.AddRow(
                new Markup(Markup.Escape(c.PeerId)),
                new Markup(Markup.Escape(c.TrackId ?? "-")),
                new Markup(Clock(c.Position)),
                BufferBar(c),
                new Markup(StateMarkup(c.State)),
                new Markup(Markup.Escape(c.Source ?? "-")),
                new Markup(c.Connections.ToString(CultureInfo.InvariantCulture)),
                new Markup(c.Uploads.ToString(CultureInfo.InvariantCulture)),
                new Markup($"{MarkdownReport.Bytes(c.ServerBytes)} / {MarkdownReport.Bytes(c.PeerBytes)} / {MarkdownReport.Bytes(c.CacheBytes)}"),
                new Markup(Markup.Escape(c.LastEvent ?? "")));
        }
        if (clients.Count > MaxRows) table.AddRow(new Markup($"[grey]… {clients.Count - MaxRows} more[/]"));

        var shares = new ByteShares(totals.ServerBytes, totals.PeerBytes, totals.CacheBytes);
        table.Caption = new TableTitle(string.Create(CultureInfo.InvariantCulture,
            $"playing {totals.Playing}/{totals.Clients}  stalled {totals.Stalled}  plays {monitor.Plays.Count}  connections {totals.Connections}  uploads {totals.Uploads}  " +
            $"server {MarkdownReport.Pct(shares.ServerShare)}  peers {MarkdownReport.Pct(shares.PeerShare)}  cache {MarkdownReport.Pct(shares.CacheShare)}"));
        return table;
    }

    private static IRenderable BufferBar(PeerStatus c)
    {
        const int width = 12;
        int filled = c.TrackComplete ? width : (int)Math.Round(Math.Clamp(c.BufferAhead.TotalSeconds / FullBarSeconds, 0, 1) * width);
        // Below 10 s the client is on the server fallback (rule 3): show it in another colour.
        var colour = c.TrackComplete ? "green" : c.BufferAhead.TotalSeconds < 10 ? "yellow" : "blue";
        var label = c.TrackComplete ? "all" : $"{c.BufferAhead.TotalSeconds:0}s";
        return new Markup($"[{colour}]{new string('█', filled)}[/][grey]{new string('░', width - filled)}[/] {label}");
    }

    private static string StateMarkup(string state) => state switch
    {
        "Playing" => "[green]Playing[/]",
        "Underrun" => "[red]Underrun[/]",
        "Buffering" => "[yellow]Buffering[/]",
        _ => $"[grey]{Markup.Escape(state)}[/]",
    };

    private static string Clock(TimeSpan t) => $"{(int)t.TotalMinutes}:{t.Seconds:00}";
}
