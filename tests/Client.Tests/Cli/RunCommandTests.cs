using System.Reactive.Concurrency;
using System.Text.Json;
using Spotify.Rx.Client.Cache;

namespace Spotify.Rx.Client.Tests.Cli;

/// <summary>
/// <c>client run --json</c> as a real process against a real server and tracker, scripted through
/// stdin: play, pause, resume, seek, queue by title, next, prev, status, quit, asserted on its JSON
/// lines; then, idle, it still serves what it cached to a second client.
/// </summary>
public sealed class RunCommandTests(CliNodes nodes, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<CliNodes>
{
    private const double Speed = 8;
    private static readonly TimeSpan Exit = TimeSpan.FromSeconds(20);

    private static Func<JsonElement, bool> Type(string type, Func<JsonElement, bool>? and = null) =>
        j => j.GetProperty("type").GetString() == type && (and is null || and(j));

    private static Func<JsonElement, bool> Answer(string command, bool? ok = null) =>
        Type("answer", j => j.GetProperty("command").GetString() == command && (ok is null || j.GetProperty("ok").GetBoolean() == ok));

    private static Func<JsonElement, bool> Started(string track) =>
        Type("player", j => j.GetProperty("event").GetString() == "started" && j.GetProperty("track").GetString() == track);

    private static Func<JsonElement, bool> Event(string kind, string text) =>
        Type("event", j => j.GetProperty("kind").GetString() == kind && j.GetProperty("detail").GetString()!.Contains(text, StringComparison.Ordinal));

    private static double Position(JsonElement answer) => answer.GetProperty("status").GetProperty("position").GetDouble();

    private static string State(JsonElement answer) => answer.GetProperty("status").GetProperty("state").GetString()!;

    private static async Task<JsonElement> OkAsync(ClientProcess p, string command)
    {
        var at = await p.SendAsync(command);
        var (answer, _) = await p.WaitAsync(at, Answer(command.Split(' ')[0]), $"the answer to '{command}'");
        Assert.True(answer.GetProperty("ok").GetBoolean(), $"'{command}' refused: {answer}");
        return answer;
    }

    [Fact]
    public async Task A_scripted_run_plays_pauses_seeks_skips_and_serves_its_cache_while_idle()
    {
        var first = nodes.Library.Tracks[0];
        var second = nodes.Library.Tracks[1];
        await using var p = ClientProcess.Start(["run", "--json", "--speed", $"{Speed}", "--peer-id", "cli-run-a", .. nodes.NodeArgs]);
        var (ready, _) = await p.WaitAsync(0, Type("ready"), "the ready line");
        // The server signs a bare device name under the account (peer ids belong to accounts).
        Assert.Equal("demo.cli-run-a", ready.GetProperty("peerId").GetString());

        // play by id: the track starts from 0 and is heard (rule 1's start).
        var at = await p.SendAsync($"play {first.Id}");
        await p.WaitAsync(at, Answer("play"), "the answer to play");
        await p.WaitAsync(at, Started(first.Id), "the start of the first track");
        await p.WaitAsync(at, Event("play", first.Id), "first audio of the first track");

        // A user pause holds the position while time goes by (three status ticks, a second apart).
        var paused = await OkAsync(p, "pause");
        Assert.Equal("paused", State(paused));
        var held = Position(paused);
        var tick = p.Out.Count;
        for (var i = 0; i < 3; i++)
        {
            var (status, index) = await p.WaitAsync(tick, Type("status"), "a status tick while paused");
            Assert.Equal("paused", status.GetProperty("state").GetString());
            Assert.Equal(held, status.GetProperty("position").GetDouble());
            tick = index + 1;
        }

        // Resume: it plays on from there.
        at = await p.SendAsync("resume");
        await p.WaitAsync(at, Type("status", j => j.GetProperty("state").GetString() == "playing" && j.GetProperty("position").GetDouble() > held),
            "the position moving on after resume");

        // Seek back 10 s while paused: the new play starts held, exactly there (a random access).
        held = Position(await OkAsync(p, "pause"));
        at = await p.SendAsync("seek -10");
        var expected = Math.Max(0, held - 10);
        var (startedBack, _) = await p.WaitAsync(at, Started(first.Id), "the play after seek -10");
        Assert.Equal(expected, startedBack.GetProperty("at").GetDouble(), 3);
        await p.WaitAsync(at, Event("play", $"{first.Id} from "), "first audio after seek -10");
        var afterSeek = await OkAsync(p, "status");
        Assert.Equal("paused", State(afterSeek));
        Assert.InRange(Position(afterSeek), expected - 0.5, expected + 0.5);

        // Seek to a position, still paused: it stands at 0:40.
        at = await p.SendAsync("seek 0:40");
        var (startedAt40, _) = await p.WaitAsync(at, Started(first.Id), "the play after seek 0:40");
        Assert.Equal(40, startedAt40.GetProperty("at").GetDouble(), 3);
        await p.WaitAsync(at, Event("play", $"{first.Id} from "), "first audio after seek 0:40");
        var at40 = await OkAsync(p, "status");
        Assert.Equal(first.Id, at40.GetProperty("status").GetProperty("track").GetString());
        Assert.InRange(Position(at40), 39.5, 40.5);

        // Queue the second track by words of its title (paused, so nothing ends meanwhile), skip to it (next
        // ends the pause), and back.
        var queued = await OkAsync(p, $"queue {second.Title.ToUpperInvariant()}");
        Assert.Contains(second.Id, queued.GetProperty("message").GetString());
        Assert.Equal([first.Id, second.Id], queued.GetProperty("status").GetProperty("queue").EnumerateArray().Select(e => e.GetString()));
        at = await p.SendAsync("next");
        await p.WaitAsync(at, Answer("next", ok: true), "the answer to next");
        await p.WaitAsync(at, Started(second.Id), "the second track after next");
        await p.WaitAsync(at, Event("play", second.Id), "first audio of the second track");
        at = await p.SendAsync("prev");
        await p.WaitAsync(at, Answer("prev", ok: true), "the answer to prev");
        var (back, _) = await p.WaitAsync(at, Started(first.Id), "the first track again after prev");
        Assert.Equal(0, back.GetProperty("at").GetDouble());

        // Played out: the first track, then the second (the queue goes on), then idle.
        await p.WaitAsync(at, Type("report", j => j.GetProperty("track").GetString() == first.Id && j.GetProperty("startAt").GetDouble() == 0),
            "the report of the first track played out", TimeSpan.FromSeconds(90));
        var (idle, _) = await p.WaitAsync(at, Type("player", j => j.GetProperty("event").GetString() == "idle"), "the queue played out", TimeSpan.FromSeconds(90));
        await p.WaitAsync(0, Event("cache", $"{first.Id} cached, registered"), "the first track cached and registered");
        var idleStatus = await OkAsync(p, "status");
        Assert.Equal("idle", State(idleStatus));
        Assert.Contains(first.Id, idleStatus.GetProperty("status").GetProperty("cached").EnumerateArray().Select(e => e.GetString()));

        // Idle, it still serves: a second client gets the track from it.
        await using (var listener = await ClientNode.StartAsync(new ClientOptions
        {
            ServerUrl = nodes.ServerUrl,
            TrackerUrl = nodes.TrackerUrl,
            PeerId = "cli-run-listener",
            Cache = CachePolicy.Lru,
            Speed = 12,
        }, Scheduler.Default))
        {
            await listener.PlayAsync([new PlayItem(first.Id, TimeSpan.Zero)]).WaitAsync(TimeSpan.FromSeconds(60));
            var report = Assert.Single(listener.Reports);
            Assert.True(report.PeerBytes > 0, $"no bytes from the idle run client: {report}");
            Assert.Equal(first.ByteLength, report.ServerBytes + report.PeerBytes);
        }

        // quit: answered, exit code 0, and nothing on stderr that looks like a stack trace.
        at = await p.SendAsync("quit");
        await p.WaitAsync(at, Answer("quit"), "the answer to quit");
        Assert.Equal(0, await p.ExitAsync(Exit));
        Assert.DoesNotContain(p.Err, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain(p.Out, l => l.Contains("\"stutters\":1", StringComparison.Ordinal));
        _ = idle;
        output.WriteLine(p.Transcript());
    }

    [Fact]
    public async Task An_unreachable_neighbour_and_a_failed_tracker_lookup_are_warnings_on_stderr_and_the_play_goes_on()
    {
        var neighbour = $"127.0.0.1:{Testing.FreePort.Get()}";
        var tracker = $"http://127.0.0.1:{Testing.FreePort.Get()}";
        var track = nodes.Library.Tracks[1];
        await using var p = ClientProcess.Start(["run", "--json", "--speed", "12", "--server", nodes.ServerUrl.ToString(), "--tracker", tracker, "--neighbour", neighbour]);
        await p.WaitAsync(0, Type("ready"), "the ready line");
        await p.WaitErrAsync(l => l.Contains("warn:", StringComparison.Ordinal) && l.Contains($"neighbour at {neighbour} not reached", StringComparison.Ordinal),
            "a warning about the neighbour");
        var at = await p.SendAsync($"play {track.Id}");
        await p.WaitErrAsync(l => l.Contains("warn:", StringComparison.Ordinal) && l.Contains($"tracker lookup of {track.Id} failed", StringComparison.Ordinal)
            && l.Contains(tracker, StringComparison.Ordinal), "a warning about the tracker");
        // The server alone plays it: the node's trouble is a warning, not the end of the play.
        await p.WaitAsync(at, Event("play", track.Id), "first audio from the server alone");
        p.CloseInput();
        Assert.Equal(0, await p.ExitAsync(Exit));
        Assert.DoesNotContain(p.Err, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_ends_with_exit_code_0_when_stdin_ends_and_refuses_a_bad_command_with_its_reason()
    {
        await using var p = ClientProcess.Start(["run", "--json", .. nodes.NodeArgs]);
        await p.WaitAsync(0, Type("ready"), "the ready line");
        var at = await p.SendAsync("seek sideways");
        var (refused, _) = await p.WaitAsync(at, Type("answer"), "the answer to a bad command");
        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Contains("expected +10, -10, MM:SS or SECONDS", refused.GetProperty("message").GetString());
        at = await p.SendAsync("pause");
        var (nothing, _) = await p.WaitAsync(at, Answer("pause"), "the answer to pause with nothing playing");
        Assert.False(nothing.GetProperty("ok").GetBoolean());
        at = await p.SendAsync("play no such words anywhere");
        var (none, _) = await p.WaitAsync(at, Answer("play"), "the answer to play of nothing");
        Assert.Contains("no track matches", none.GetProperty("message").GetString());
        p.CloseInput();
        Assert.Equal(0, await p.ExitAsync(Exit));
        Assert.Empty(p.Err);
    }
}
