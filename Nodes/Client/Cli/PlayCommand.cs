using System.CommandLine;
using System.Reactive.Concurrency;
using Spectre.Console;
using Spotify.Rx.Client.Cache;

namespace Spotify.Rx.Client.Cli;

/// <summary><c>play ids... [--at S] [--speed X] [--sink S]</c>: the one-shot form: plays a playlist with the live buffer view, then exits.</summary>
internal static class PlayCommand
{
    public static Command Create(IReadOnlyList<string> configArguments)
    {
        var ids = new Argument<string[]>("ids") { Description = "Track ids to play in order (or @FILE with one id per line)", Arity = ArgumentArity.OneOrMore };
        var at = new Option<double>("--at") { Description = "Start the first track at this many seconds (random access)", DefaultValueFactory = _ => 0 };
        var stay = new Option<bool>("--stay") { Description = "After the playlist, keep serving peers from the cache until Ctrl+C" };
        var json = new Option<bool>("--json") { Description = "One JSON object per line (up, rule events, status, played, done, seeding) instead of the view" };
        var player = new PlayerOptions("ttl30");
        var command = new Command("play", "Play tracks with the live buffer view, then exit") { ids, at, stay, json };
        foreach (var option in player.All) command.Options.Add(option);
        command.SetAction((r, ct) => CommandRun.GuardedAsync(r, configArguments, player.Given(r), async host =>
        {
            var settings = host.Settings;
            var options = settings.ToOptions(CachePolicy.Expire30s);
            var neighbours = settings.NeighbourEndpoints();
            if (!(r.GetValue(at) >= 0)) throw new UsageException($"--at {r.GetValue(at)}: must be 0 or more seconds");
            // Refused here, before logging in, with what to do instead (device at a speed factor, no player, no folder).
            AudioOutputFactory.Parse(options.Sink, options.Speed);
            var playlist = Playlist(r.GetValue(ids)!, TimeSpan.FromSeconds(r.GetValue(at)));
            await using var client = await ClientNode.StartAsync(options, Scheduler.Default, host.Logs, ct);
            var asJson = r.GetValue(json);
            if (asJson) JsonLines.Up(client);
            foreach (var n in neighbours) client.AddNeighbour(n);
            var live = !r.GetValue(player.Plain) && !asJson && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            var play = client.PlayAsync(playlist, ct);
            try
            {
                if (asJson) await JsonLines.RunAsync(client, play);
                else if (live) await LiveView.RunAsync(client, play);
                else await PlainLog.RunAsync(client, play);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C: the summary of what was played, then exit.
            }
            if (!asJson) Summary.Write(client.Reports);
            if (r.GetValue(stay) && !ct.IsCancellationRequested) await SeedAsync(asJson, ct);
            return Failures.Ok;
        }, ct));
        return command;
    }

    /// <summary>Stays in the overlay (and at the tracker, by the renewals) until Ctrl+C.</summary>
    private static async Task SeedAsync(bool json, CancellationToken ct)
    {
        if (json) JsonLines.Write(new { @event = "seeding" });
        else Console.WriteLine("seeding from the cache until Ctrl+C");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: leave the overlay and the tracker as on any exit.
        }
    }

    private static List<PlayItem> Playlist(IEnumerable<string> ids, TimeSpan firstAt)
    {
        var all = ids.SelectMany(id =>
        {
            if (!id.StartsWith('@')) return [id];
            try
            {
                return File.ReadAllLines(id[1..]).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new UsageException($"playlist '{id[1..]}': {e.Message}");
            }
        }).ToList();
        if (all.Count == 0) throw new UsageException("the playlist is empty");
        return all.Select((id, i) => new PlayItem(id, i == 0 ? firstAt : TimeSpan.Zero)).ToList();
    }
}
