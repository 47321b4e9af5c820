using System.CommandLine;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text;
using Spectre.Console;
using Spotify.Rx.Client.Cache;
using Spotify.Rx.Client.Http;
using Spotify.Rx.Client.Player;

namespace Spotify.Rx.Client.Cli;

/// <summary>
/// <c>run</c>: the long-running client. It stays up until Ctrl+C, <c>quit</c> or the end of stdin,
/// keeps its cache (LRU by default) and serves peers between plays. On a terminal it is a player with
/// the live buffer view and keys; otherwise (or with <c>--plain</c>/<c>--json</c>) it reads one command a
/// line from stdin and writes one line per answer and event.
/// </summary>
internal static class RunCommand
{
    public static Command Create(IReadOnlyList<string> configArguments)
    {
        var player = new PlayerOptions("lru");
        var json = new Option<bool>("--json") { Description = "One JSON object per line (answers, events, reports, status), commands on stdin" };
        var command = new Command("run", $"Stay up as a player and a peer; commands on stdin when not on a terminal: {PlayerCommand.Usage}") { json };
        foreach (var option in player.All) command.Options.Add(option);
        command.SetAction((r, ct) => CommandRun.GuardedAsync(r, configArguments, player.Given(r), async host =>
        {
            var settings = host.Settings;
            var options = settings.ToOptions(CachePolicy.Lru);
            var neighbours = settings.NeighbourEndpoints();
            await using var client = await ClientNode.StartAsync(options, Scheduler.Default, host.Logs, ct);
            foreach (var n in neighbours) client.AddNeighbour(n);
            using var server = new ServerClient(options.ServerUrl, options.User, options.Password, options.PeerId, Scheduler.Default);
            await using var playing = new Player.Player(client, new Catalogue(server));
            var lines = r.GetValue(json) || r.GetValue(player.Plain) || Console.IsInputRedirected || Console.IsOutputRedirected
                || !AnsiConsole.Profile.Capabilities.Interactive;
            if (!lines) return await KeysAsync(client, playing, ct);
            var output = LineOutput.Create(r.GetValue(json), Console.Out);
            output.Ready(client.PeerId, client.Endpoint.ToString(), options.ServerUrl.ToString(), options.TrackerUrl.ToString());
            return await LinesAsync(client, playing, output, Console.In, ct);
        }, ct));
        return command;
    }

    /// <summary>Commands one a line until <c>quit</c> or the end of <paramref name="input"/>; a status line every second.</summary>
    private static async Task<int> LinesAsync(ClientNode client, Player.Player player, LineOutput output, TextReader input, CancellationToken ct)
    {
        using var events = client.Events.Subscribe(output.Event);
        using var notices = player.Notices.Subscribe(output.Notice);
        // A status is read and written in one turn with the commands: a tick read before a command is
        // never written after its answer (a script would take it for the state after the command).
        using var turn = new SemaphoreSlim(1, 1);
        using var ticks = Observable.Interval(TimeSpan.FromSeconds(1))
            .Select(_ => Observable.FromAsync(async () =>
            {
                await turn.WaitAsync();
                try { output.Status(await player.StatusAsync()); }
                finally { turn.Release(); }
            }))
            .Concat()
            .Subscribe(_ => { }, _ => { });
        while (true)
        {
            // Console.In reads synchronously even through ReadLineAsync: on its own thread, so Ctrl+C still ends the wait.
            var line = await Task.Run(input.ReadLine, CancellationToken.None).WaitAsync(ct);
            if (line is null) break;
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            if (!PlayerCommand.TryParse(line, out var command, out var error))
            {
                output.Refused(line, error);
                continue;
            }
            await turn.WaitAsync(ct);
            try
            {
                if (command is PlayerCommand.Quit)
                {
                    output.Answer(new PlayerAnswer("quit", true, "bye", await player.StatusAsync()));
                    break;
                }
                output.Answer(await player.ExecuteAsync(command!, ct));
            }
            finally
            {
                turn.Release();
            }
        }
        return Failures.Ok;
    }

    /// <summary>The terminal player: the live view with the player's rows, driven by keys.</summary>
    private static async Task<int> KeysAsync(ClientNode client, Player.Player player, CancellationToken ct)
    {
        const string keys = "[grey]space[/] pause/resume  [grey]← →[/] seek 10 s  [grey]n[/] next  [grey]p[/] prev  [grey]/[/] command (play TEXT, queue TEXT, seek 1:30)  [grey]q[/] quit";
        var quit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var typed = new StringBuilder();
        var typing = false;
        var answer = "type / then e.g. 'play midnight rivers'";
        var status = await player.StatusAsync();
        using var statusUpdates = Observable.Interval(TimeSpan.FromMilliseconds(200))
            .Select(_ => Observable.FromAsync(player.StatusAsync)).Concat()
            .Subscribe(s => status = s, _ => { });
        using var notices = player.Notices.Subscribe(n => answer = n switch
        {
            PlayerNotice.Started s => $"playing {s.Track} from {s.At.TotalSeconds:0.0}s",
            PlayerNotice.Failed f => $"{f.TrackId} failed: {f.Message}",
            PlayerNotice.Idle => "queue played out; still serving the cache",
            _ => answer,
        });

        async Task Do(PlayerCommand command)
        {
            var a = await player.ExecuteAsync(command, ct);
            answer = a.Ok ? a.Message : "error: " + a.Message;
        }

        // Console.ReadKey blocks: the keys are read on their own thread; each command waits for its answer.
        _ = Task.Factory.StartNew(async () =>
        {
            while (!quit.Task.IsCompleted)
            {
                var key = Console.ReadKey(intercept: true);
                try
                {
                    if (typing)
                    {
                        if (key.Key == ConsoleKey.Enter)
                        {
                            typing = false;
                            var line = typed.ToString();
                            typed.Clear();
                            if (!PlayerCommand.TryParse(line, out var c, out var error)) answer = "error: " + error;
                            else if (c is PlayerCommand.Quit) quit.TrySetResult();
                            else await Do(c!);
                        }
                        else if (key.Key == ConsoleKey.Escape) { typing = false; typed.Clear(); }
                        else if (key.Key == ConsoleKey.Backspace) { if (typed.Length > 0) typed.Length--; }
                        else if (!char.IsControl(key.KeyChar)) typed.Append(key.KeyChar);
                        continue;
                    }
                    switch (key.Key)
                    {
                        case ConsoleKey.Spacebar: await Do(status.State == "paused" ? new PlayerCommand.Resume() : new PlayerCommand.Pause()); break;
                        case ConsoleKey.RightArrow: await Do(new PlayerCommand.Seek(null, TimeSpan.FromSeconds(10))); break;
                        case ConsoleKey.LeftArrow: await Do(new PlayerCommand.Seek(null, TimeSpan.FromSeconds(-10))); break;
                        case ConsoleKey.N: await Do(new PlayerCommand.Next()); break;
                        case ConsoleKey.P: await Do(new PlayerCommand.Previous()); break;
                        case ConsoleKey.Q or ConsoleKey.Escape: quit.TrySetResult(); break;
                        case ConsoleKey.Oem2 or ConsoleKey.Divide: typing = true; break;
                        default:
                            if (key.KeyChar is '/' or ':') typing = true;
                            break;
                    }
                }
                catch (OperationCanceledException)
                {
                    quit.TrySetResult();
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        IEnumerable<(string, string)> Rows()
        {
            var s = status;
            var next = s.Index + 1 < s.Queue.Count ? s.Queue[s.Index + 1] : "-";
            yield return ("player", $"{Markup.Escape(s.State)}  {Markup.Escape(s.Title ?? s.Track ?? "-")}  queue {s.Index + 1}/{s.Queue.Count}, next {Markup.Escape(next)}  cached {s.Cached.Count}");
            yield return ("answer", Markup.Escape(answer));
            yield return (typing ? "command" : "keys", typing ? $"> {Markup.Escape(typed.ToString())}_" : keys);
        }

        await LiveView.RunAsync(client, quit.Task.WaitAsync(ct), Rows, () => status.State == "paused");
        return Failures.Ok;
    }
}
