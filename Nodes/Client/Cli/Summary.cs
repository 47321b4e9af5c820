using Spectre.Console;

namespace Spotify.Rx.Client.Cli;

/// <summary>The metrics of every play, printed on exit.</summary>
internal static class Summary
{
    public static void Write(IReadOnlyList<PlayReport> reports)
    {
        var table = new Table().AddColumns("track", "start", "first audio", "pauses", "stutters", "server", "peers", "cache");
        foreach (var r in reports)
            table.AddRow(Markup.Escape(r.TrackId), $"{r.StartAt.TotalSeconds:0.0}s", $"{r.TimeToFirstAudio.TotalMilliseconds:0} ms",
                r.Pauses.ToString(), r.Stutters.ToString(), LiveView.Size(r.ServerBytes), LiveView.Size(r.PeerBytes), LiveView.Size(r.CacheBytes));
        AnsiConsole.Write(table);
    }
}
