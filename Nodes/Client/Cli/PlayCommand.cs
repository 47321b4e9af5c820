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
        var listen = new Option<string?>("--listen") { Description = "ADDRESS[:PORT] the overlay listens on (default: every interface, IPv4 and IPv6, at --port)" };
        var advertise = new Option<string?>("--advertise") { Description = "HOST:PORT other peers should dial (default: the address the tracker sees this client at, the listening port)" };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Keep the LRU cache in this folder across runs (with --cache lru)" };
        var stay = new Option<bool>("--stay") { Description = "After the playlist, keep serving peers from the cache until Ctrl+C" };
        var json = new Option<bool>("--json") { Description = "One JSON object per line (events, status, plays) instead of the view" };
        var command = new Command("play", "Play tracks with the live buffer view") { ids, at, speed, sink, cache, port, neighbours, plain, listen, advertise, cacheDir, stay, json };
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
            var listenAt = new IPEndPoint(IPAddress.IPv6Any, r.GetValue(port));
            var problem = r.GetValue(listen) is { } l ? OverlayAddress.ParseListen(l, out listenAt) : null;
            problem ??= r.GetValue(advertise) is { } adv ? OverlayAddress.AdvertiseProblem(adv) : null;
            if (problem is null && r.GetValue(cacheDir) is not null && r.GetValue(cache) != CachePolicy.Lru)
                problem = "--cache-dir keeps only the LRU cache: add --cache lru (the seed's 30 s cache stays in memory)";
            if (problem is not null)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            var playlist = Playlist(r.GetValue(ids)!, TimeSpan.FromSeconds(r.GetValue(at)));
            var options = CommonOptions.ClientOptions(r, r.GetValue(speed), sinkName, r.GetValue(cache), listenAt.Port != 0 ? listenAt.Port : r.GetValue(port)) with
            {
                ListenAddress = listenAt.Address,
                AdvertisedEndpoint = r.GetValue(advertise),
                CacheDirectory = r.GetValue(cacheDir),
            };
            await using var client = await ClientNode.StartAsync(options, Scheduler.Default, ct: ct);
            if (r.GetValue(json)) JsonLines.Up(client);
            foreach (var n in r.GetValue(neighbours) ?? [])
                if (IPEndPoint.TryParse(n, out var endpoint)) client.AddNeighbour(endpoint);
            var live = !r.GetValue(plain) && !r.GetValue(json) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            var play = client.PlayAsync(playlist, ct);
            if (r.GetValue(json)) await JsonLines.RunAsync(client, play);
            else if (live) await LiveView.RunAsync(client, play);
            else await PlainLog.RunAsync(client, play);
            if (!r.GetValue(json)) Summary.Write(client.Reports);
            if (r.GetValue(stay)) await SeedAsync(r.GetValue(json), ct);
            return 0;
        });
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
        var all = ids.SelectMany(id => id.StartsWith('@')
            ? File.ReadAllLines(id[1..]).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            : [id]).ToList();
        return all.Select((id, i) => new PlayItem(id, i == 0 ? firstAt : TimeSpan.Zero)).ToList();
    }
}
