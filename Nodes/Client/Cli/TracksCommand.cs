using System.CommandLine;
using System.Reactive.Concurrency;
using Spectre.Console;
using Spotify.Rx.Client.Http;

namespace Spotify.Rx.Client.Cli;

/// <summary><c>tracks</c>: the main server's catalogue, page by page.</summary>
internal static class TracksCommand
{
    public static Command Create(IReadOnlyList<string> configArguments)
    {
        var page = new Option<int>("--page") { Description = "Page, from 1", DefaultValueFactory = _ => 1 };
        var size = new Option<int>("--page-size") { Description = "Tracks per page", DefaultValueFactory = _ => 50 };
        page.Validators.Add(v => { if (v.GetValueOrDefault<int>() < 1) v.AddError("--page must be 1 or more"); });
        size.Validators.Add(v => { if (v.GetValueOrDefault<int>() is < 1 or > 1000) v.AddError("--page-size must be from 1 to 1000"); });
        var command = new Command("tracks", "List the catalogue of the main server") { page, size };
        command.SetAction((r, ct) => CommandRun.GuardedAsync(r, configArguments, [], async host =>
        {
            var s = host.Settings;
            using var server = new ServerClient(s.ServerUrl, s.User, s.Password, s.PeerIdOrFresh(), Scheduler.Default);
            var tracks = await server.TracksAsync(r.GetValue(page), r.GetValue(size), ct);
            if (Console.IsOutputRedirected)
            {
                // For scripts: one track a line, tab-separated, nothing wrapped.
                foreach (var t in tracks.Items)
                    Console.WriteLine(string.Join('\t', t.Id, t.Title, t.Artist, TimeSpan.FromSeconds(t.DurationSeconds).ToString(@"m\:ss"), t.ByteLength));
                return Failures.Ok;
            }
            var table = new Table().AddColumns("id", "title", "artist", "duration", "bytes");
            foreach (var t in tracks.Items)
                table.AddRow(Markup.Escape(t.Id), Markup.Escape(t.Title), Markup.Escape(t.Artist), TimeSpan.FromSeconds(t.DurationSeconds).ToString(@"m\:ss"), t.ByteLength.ToString("N0"));
            table.Caption($"page {tracks.Page} of {(tracks.Total + tracks.PageSize - 1) / Math.Max(1, tracks.PageSize)}, {tracks.Total} tracks");
            AnsiConsole.Write(table);
            return Failures.Ok;
        }, ct));
        return command;
    }
}
