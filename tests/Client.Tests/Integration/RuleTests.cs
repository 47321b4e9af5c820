using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Spotify.Rx.Streams;
using Spotify.Rx.Streams.Decisions;
using Spotify.Rx.Testing;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Wire.Protocol;
using Xunit.Abstractions;

namespace Spotify.Rx.Client.Tests.Integration;

/// <summary>
/// Rules 4 and 6 watched as they fire in running clients (real server, tracker and overlay on
/// 127.0.0.1). Each test plays its own tracks, so no other test's cache serves them.
/// </summary>
public sealed class RuleTests(Swarm swarm, ITestOutputHelper output) : IClassFixture<Swarm>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Timers may fire a clock tick before the wall clock says the time is up; this is that tick, not a window.
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task A_stutter_stops_all_uploads_until_the_current_track_is_fully_buffered_then_the_client_serves_again()
    {
        var (cached, starved) = (swarm.TrackId(0), swarm.TrackId(1));
        // The uploader's own main server is a mirror: stopping it starves the uploader alone.
        var mirrorPort = FreePort.Get();
        var mirror = await swarm.StartMirrorAsync(mirrorPort);
        // At a third of the usual speed the starved track plays long enough for the mirror's stop to land inside it.
        var uploader = await swarm.ClientAsync("uploader", speed: Swarm.Speed / 3, server: new Uri($"http://127.0.0.1:{mirrorPort}"));
        var asker = await swarm.ClientAsync("asker");
        using var log = Swarm.Log(uploader, output, "uploader");
        using var log2 = Swarm.Log(asker, output, "asker");

        var registered = Swarm.Next(uploader, "cache", $"{cached} cached, registered");
        await uploader.PlayAsync([new PlayItem(cached, TimeSpan.Zero)]).WaitAsync(Bound);
        await registered;

        var playing = Swarm.Next(uploader, "play", starved);
        var stutter = Swarm.Next(uploader, "stutter", starved);
        var pause = Swarm.Next(uploader, "pause", starved);
        var stopped = Swarm.Next(uploader, "uploads", "uploads stopped");
        var resumed = Swarm.Next(uploader, "uploads", "uploads resume");
        var starving = uploader.PlayAsync([new PlayItem(starved, TimeSpan.Zero)]);
        await playing;
        // Nobody else has the track: once the mirror is gone the uploader's buffer runs dry.
        await mirror.StopAsync();
        await mirror.DisposeAsync();
        var stuttered = await stutter;
        var uploadsStopped = await stopped;

        // While the uploader recovers, the asker's requests for the track it has cached are refused (MISSING).
        var refused = Swarm.Next(asker, "peer-lost", "uploader");
        RuleEvent refusal;
        using (var giveUp = new CancellationTokenSource())
        {
            var asking = asker.PlayAsync([new PlayItem(cached, TimeSpan.Zero)], giveUp.Token);
            refusal = await refused.WaitAsync(Patience);
            Assert.Contains(cached, refusal.Detail);
            Assert.Contains("ChunkUnavailable", refusal.Detail);
            Assert.True(refusal.At > uploadsStopped.At);
            // Left before it ends, so the asker does not cache the track from the server and must ask again.
            giveUp.Cancel();
            var ended = await Record.ExceptionAsync(() => asking.WaitAsync(Bound));
            Assert.True(ended is null or OperationCanceledException, $"the refused play ended with {ended}");
        }
        var refusedPlay = asker.Reports.Single();
        Assert.Equal(0, refusedPlay.PeerBytes);
        Assert.False(resumed.IsCompleted, "uploads resumed while the uploader's server was still away");

        // The server comes back: the uploader takes the rest of its track from it, and uploads resume once it is whole.
        mirror = await swarm.StartMirrorAsync(mirrorPort);
        var uploadsResumed = await resumed.WaitAsync(Patience);
        await starving.WaitAsync(Bound);
        var starvedPlay = uploader.Reports.Single(r => r.TrackId == starved);
        // One stall, one stutter, one pause, exactly where the data ran out (rule 5).
        Assert.Equal(1, starvedPlay.Stutters);
        Assert.Equal(1, starvedPlay.Pauses);
        var stall = Assert.IsType<Stutter>(stuttered.Data);
        Assert.Equal(starved, stall.TrackId);
        Assert.Equal(stall.Position, Assert.IsType<Pause>((await pause).Data).At);
        Assert.True(uploadsResumed.At > refusal.At, "uploads resumed before the refusal");

        // ... and the uploader serves the cached track again.
        await asker.PlayAsync([new PlayItem(cached, TimeSpan.Zero)]).WaitAsync(Bound);
        var served = asker.Reports.Last();
        Assert.Equal(cached, served.TrackId);
        Assert.True(served.PeerBytes > 0, "the uploader did not serve after its uploads resumed");
        Assert.Equal(0, served.Stutters);
    }

    [Fact]
    public async Task A_connection_over_which_nothing_passes_is_closed_as_idle_after_thirty_seconds_of_audio_time()
    {
        var (one, other) = (await swarm.ClientAsync("quiet-one"), await swarm.ClientAsync("quiet-other"));
        // Rule 6's 30 s are audio time: at the speed factor the connection may idle 30 s / speed of real time.
        var limit = Streams.Rules.IdleDisconnect.Limit / Swarm.Speed;
        var closes = Closes(one, other);

        var before = DateTimeOffset.UtcNow;
        var id = await one.ConnectNeighbourAsync(other.Endpoint).WaitAsync(Patience);
        Assert.Equal("demo.quiet-other", id);
        var (first, second) = await BothEnds(closes, "demo.quiet-one", "demo.quiet-other");

        // The end that closed first did so for idleness; the other heard it go.
        Assert.Equal(CloseReason.Idle, first.Reason);
        Assert.Contains(second.Reason, new[] { CloseReason.Idle, CloseReason.RemoteGoodbye, CloseReason.RemoteClosed });
        // No byte passed after the handshake, which began at `before`: the close is at least the limit after it.
        Assert.True(first.At - before >= limit - TimerSlack, $"closed {first.At - before} after connecting, limit {limit}");
    }

    [Fact]
    public async Task A_connection_with_traffic_stays_open_past_the_idle_limit_and_closes_once_it_falls_silent()
    {
        var (current, next) = (swarm.TrackId(2), swarm.TrackId(3));
        var limit = TimeSpan.FromSeconds(5);
        var holder = await swarm.ClientAsync("busy-holder", idleTimeout: limit);
        await holder.PlayAsync([new PlayItem(current, TimeSpan.Zero), new PlayItem(next, TimeSpan.Zero)]).WaitAsync(Bound);
        Assert.Contains(current, holder.CachedTracks);
        Assert.Contains(next, holder.CachedTracks);

        var listener = await swarm.ClientAsync("busy-listener", idleTimeout: limit);
        using var log = Swarm.Log(listener, output, "listener");
        var closes = Closes(holder, listener);
        var connected = Swarm.Next(listener, "peers", $"{current}: first peer demo.busy-holder");
        var prefetch = Swarm.Next(listener, "prefetch", $"{next} from peers");
        // Twelve seconds of audio before the prefetch's 30 s: one real second at speed 12, well inside the limit.
        var duration = swarm.Library.Find(current)!.Duration;
        await listener.PlayAsync([new PlayItem(current, duration - TimeSpan.FromSeconds(42)), new PlayItem(next, TimeSpan.Zero)]).WaitAsync(Bound);
        var opened = await connected;
        var second = await prefetch;
        var (first, last) = await BothEnds(closes, "demo.busy-holder", "demo.busy-listener");

        Assert.All(listener.Reports, r => Assert.True(r.PeerBytes > 0, $"{r.TrackId} came from no peer"));
        Assert.Equal(CloseReason.Idle, first.Reason);
        Assert.Contains(last.Reason, new[] { CloseReason.Idle, CloseReason.RemoteGoodbye, CloseReason.RemoteClosed });
        // The prefetch's chunks passed over the connection opened for the first track, so it was still open
        // then, past the limit counted from the first track's traffic, and it closed only the limit after them.
        Assert.True(first.At - second.At >= limit - TimerSlack, $"closed {first.At - second.At} after the prefetch, limit {limit}");
        Assert.True(first.At - opened.At > limit, $"open for {first.At - opened.At}, limit {limit}");
    }

    /// <summary>Every close of a connection between the two clients, as each end saw it.</summary>
    private static IObservable<ConnectionClosed> Closes(ClientNode a, ClientNode b) =>
        a.ConnectionsClosed.Where(c => c.PeerId == b.PeerId)
            .Merge(b.ConnectionsClosed.Where(c => c.PeerId == a.PeerId))
            .Replay()
            .AutoConnect(0);

    /// <summary>The first close each end saw, earliest first.</summary>
    private static async Task<(ConnectionClosed First, ConnectionClosed Second)> BothEnds(IObservable<ConnectionClosed> closes, string a, string b)
    {
        var atA = closes.FirstAsync(c => c.PeerId == b).Timeout(Patience).ToTask();
        var atB = closes.FirstAsync(c => c.PeerId == a).Timeout(Patience).ToTask();
        var both = new[] { await atA, await atB }.OrderBy(c => c.At).ToArray();
        return (both[0], both[1]);
    }
}
