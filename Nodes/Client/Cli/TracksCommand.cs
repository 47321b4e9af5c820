using System.CommandLine;
using Spectre.Console;

namespace Spotify.Rx.Client.Cli;

/// <summary><c>tracks</c>: the main server's catalogue, page by page.</summary>
internal static class TracksCommand
{
    public static Command Create()
    {
        var page = new Option<int>("--page") { Description = "Page, from 1", DefaultValueFactory = _ => 1 };
        var size = new Option<int>("--page-size") { Description = "Tracks per page", DefaultValueFactory = _ => 50 };
        var command = new Command("tracks", "List the catalogue of the main server") { page, size };
        command.SetAction(async (r, ct) =>
        {
            using var server = CommonOptions.ServerClient(r);
            var tracks = await server.TracksAsync(r.GetValue(page), r.GetValue(size), ct);
            var table = new Table().AddColumns("id", "title", "artist", "duration", "bytes");
            foreach (var t in tracks.Items)
                table.AddRow(Markup.Escape(t.Id), Markup.Escape(t.Title), Markup.Escape(t.Artist), TimeSpan.FromSeconds(t.DurationSeconds).ToString(@"m\:ss"), t.ByteLength.ToString("N0"));
            table.Caption($"page {tracks.Page} of {(tracks.Total + tracks.PageSize - 1) / Math.Max(1, tracks.PageSize)}, {tracks.Total} tracks");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
