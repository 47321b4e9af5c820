using System.CommandLine;
using System.Net;
using System.Reactive.Concurrency;
using Spectre.Console;
using Spotify.Rx.Client.Cache;

namespace Spotify.Rx.Client.Cli;

/// <summary><c>play ids... [--at S] [--speed X] [--sink S]</c>: plays a playlist with the live buffer view.</summary>
internal static class PlayCommand
{
    public static Command Create()
    {
        var ids = new Argument<string[]>("ids") { Description = "Track ids to play in order (or @FILE with one id per line)", Arity = ArgumentArity.OneOrMore };
        var at = new Option<double>("--at") { Description = "Start the first track at this many seconds (random access)", DefaultValueFactory = _ => 0 };
        var speed = new Option<double>("--speed") { Description = "Speed factor: audio seconds per real second", DefaultValueFactory = _ => 1 };
        var sink = new Option<string>("--sink") { Description = "null (no sound) | wav:FILE (one WAV for the whole playlist) | device (pw-play or aplay, speed 1 only)", DefaultValueFactory = _ => "null" };
        var cache = new Option<CachePolicy>("--cache") { Description = "Cache policy: Expire30s (the seed's) or Lru", DefaultValueFactory = _ => CachePolicy.Expire30s };
        var port = new Option<int>("--port") { Description = "Overlay listening port (0: any free one)", DefaultValueFactory = _ => 0 };
        var neighbours = new Option<string[]>("--neighbour") { Description = "host:port of an overlay neighbour (repeatable)", AllowMultipleArgumentsPerToken = false };
        var plain = new Option<bool>("--plain") { Description = "Plain log lines even on a terminal" };
        var command = new Command("play", "Play tracks with the live buffer view") { ids, at, speed, sink, cache, port, neighbours, plain };
        command.SetAction(async (r, ct) =>
        {
            var sinkName = r.GetValue(sink)!;
            try
            {
                // Refused here, before logging in, with what to do instead (device at a speed factor, no player, no folder).
                AudioOutputFactory.Parse(sinkName, r.GetValue(speed));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                Console.Error.WriteLine(e is ArgumentException a ? a.Message.Replace($" (Parameter '{a.ParamName}')", "") : e.Message);
                return 2;
            }
            var playlist = Playlist(r.GetValue(ids)!, TimeSpan.FromSeconds(r.GetValue(at)));
            var options = CommonOptions.ClientOptions(r, r.GetValue(speed), sinkName, r.GetValue(cache), r.GetValue(port));
            await using var client = await ClientNode.StartAsync(options, Scheduler.Default, ct: ct);
            foreach (var n in r.GetValue(neighbours) ?? [])
                if (IPEndPoint.TryParse(n, out var endpoint)) client.AddNeighbour(endpoint);
            var live = !r.GetValue(plain) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            var play = client.PlayAsync(playlist, ct);
            if (live) await LiveView.RunAsync(client, play);
            else await PlainLog.RunAsync(client, play);
            Summary.Write(client.Reports);
            return 0;
        });
        return command;
    }

    private static List<PlayItem> Playlist(IEnumerable<string> ids, TimeSpan firstAt)
    {
        var all = ids.SelectMany(id => id.StartsWith('@')
            ? File.ReadAllLines(id[1..]).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            : [id]).ToList();
        return all.Select((id, i) => new PlayItem(id, i == 0 ? firstAt : TimeSpan.Zero)).ToList();
    }
}
