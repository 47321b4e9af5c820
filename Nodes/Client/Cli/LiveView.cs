using System.Reactive.Linq;
using Spectre.Console;
using Spectre.Console.Rendering;
using Spotify.Rx.Streams;

namespace Spotify.Rx.Client.Cli;

/// <summary>
/// The live buffer view (issue 7): redrawn from the client's snapshots as they change — track and
/// position, the buffer as a bar with its seconds, the player state, bytes by source, the overlay's
/// limits and the last rule events.
/// </summary>
internal static class LiveView
{
    // The bar's scale: 30 s of buffer fills it (the prefetch horizon); the 10 s fallback line is marked.
    private const double BarSeconds = 30;
    private const int BarWidth = 40;

    /// <summary>Draws until <paramref name="until"/> ends; <paramref name="rows"/> adds rows of the caller's (the player's, under <c>run</c>).</summary>
    /// <remarks><paramref name="paused"/> says when the user paused: the play's clock then holds in its own state.</remarks>
    public static async Task RunAsync(ClientNode client, Task until, Func<IEnumerable<(string Label, string Markup)>>? rows = null, Func<bool>? paused = null)
    {
        IRenderable Draw(ClientSnapshot s) => Render(s, rows?.Invoke(), paused?.Invoke() ?? false);
        await AnsiConsole.Live(Draw(client.Snapshot())).AutoClear(false).StartAsync(async ctx =>
        {
            using var updates = client.Snapshots.Sample(TimeSpan.FromMilliseconds(100)).Subscribe(s =>
            {
                ctx.UpdateTarget(Draw(s));
                ctx.Refresh();
            });
            try { await until; }
            finally { ctx.UpdateTarget(Draw(client.Snapshot())); ctx.Refresh(); }
        });
    }

    public static IRenderable Render(ClientSnapshot s, IEnumerable<(string Label, string Markup)>? more = null, bool paused = false)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow("[bold]track[/]", Markup.Escape(s.TrackId ?? "-"));
        grid.AddRow("[bold]position[/]", $@"{s.Position:m\:ss\.f}");
        grid.AddRow("[bold]buffer[/]", Bar(s.Level));
        grid.AddRow("[bold]state[/]", (paused && s.TrackId is not null ? "[yellow]paused[/]" : StateMarkup(s.State)) + (s.Source is { } src ? $"  from [bold]{src}[/]" : ""));
        grid.AddRow("[bold]bytes[/]", $"server {Size(s.ServerBytes)}   peers {Size(s.PeerBytes)}   cache {Size(s.CacheBytes)}");
        grid.AddRow("[bold]overlay[/]", $"connections {s.Connections}/60   uploads {s.Uploads}/4   sources {s.DownloadSources}/5");
        var events = s.RecentEvents.Count == 0 ? "[grey]none yet[/]" : string.Join("\n", s.RecentEvents.TakeLast(6).Select(Markup.Escape));
        grid.AddRow("[bold]events[/]", events);
        foreach (var (label, markup) in more ?? []) grid.AddRow($"[bold]{Markup.Escape(label)}[/]", markup);
        return new Panel(grid).Header($" Spotify.Rx client {Markup.Escape(s.PeerId)} ").Border(BoxBorder.Rounded);
    }

    private static string Bar(BufferLevel level)
    {
        var filled = (int)Math.Round(Math.Clamp(level.Seconds / BarSeconds, 0, 1) * BarWidth);
        var mark = (int)(10 / BarSeconds * BarWidth);
        var color = level.TrackComplete ? "blue" : level.Seconds < 10 ? "red" : "green";
        var cells = Enumerable.Range(0, BarWidth).Select(i => i < filled ? "█" : i == mark ? "|" : "·");
        return $"[{color}]{string.Concat(cells.Take(filled))}[/][grey]{string.Concat(cells.Skip(filled))}[/] {level.Seconds,5:0.0} s{(level.TrackComplete ? " (complete)" : "")}";
    }

    private static string StateMarkup(PlayerState state) => state switch
    {
        PlayerState.Playing => "[green]playing[/]",
        PlayerState.Underrun => "[red]underrun (paused)[/]",
        PlayerState.Buffering => "[yellow]buffering[/]",
        PlayerState.Ended => "[blue]ended[/]",
        _ => "[grey]idle[/]",
    };

    public static string Size(long bytes) => bytes switch
    {
        >= 1_000_000 => $"{bytes / 1e6:0.00} MB",
        >= 1_000 => $"{bytes / 1e3:0.0} kB",
        _ => $"{bytes} B",
    };
}
