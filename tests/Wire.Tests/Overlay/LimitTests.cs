using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Streams.Rules;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Tests.Support;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Wire.Tests.Overlay;

public class LimitTests
{
    [Fact]
    public async Task The_sixty_first_connection_is_refused_with_a_reason_in_either_direction()
    {
        await using var swarm = new TestSwarm();
        var hub = await swarm.StartAsync("hub");
        for (var i = 0; i < 60; i++)
        {
            var spoke = await swarm.StartAsync($"spoke-{i}");
            await spoke.ConnectToAsync(hub);
        }
        var late = await swarm.StartAsync("late");
        var refusedHere = hub.NextClose(CloseReason.ConnectionLimit);

        var inbound = await Assert.ThrowsAsync<PeerConnectException>(() => late.ConnectToAsync(hub));
        var outbound = await Assert.ThrowsAsync<PeerConnectException>(() => hub.ConnectToAsync(late));

        Assert.Equal(CloseReason.ConnectionLimit, inbound.Reason);
        Assert.Contains("60", inbound.Detail);
        Assert.Equal(ConnectionDirection.Inbound, (await refusedHere).Direction);
        Assert.Equal(CloseReason.ConnectionLimit, outbound.Reason);
        Assert.Equal(60, hub.Connections.Open);
        Assert.Equal(60, hub.Snapshot().Links.Length);
    }

    [Fact]
    public async Task A_fifth_downloader_hears_busy_and_waiters_are_served_first_come_first_served()
    {
        await using var swarm = new TestSwarm();
        var (manifest, bytes) = RandomTracks.Make("track-1", 10 * 16 * 1024);
        var held = new MemoryTracks();
        held.Add(manifest, bytes);
        var gated = new GatedTracks(held);
        var uploader = await swarm.StartAsync("uploader", gated);
        var downloaders = new PeerNode[7];
        for (var i = 1; i <= 6; i++)
        {
            downloaders[i] = await swarm.StartAsync($"down-{i}");
            await downloaders[i].ConnectToAsync(uploader);
        }
        // Downloader i asks for chunk i, so the chunk being read tells who holds a slot.
        Task<ReadOnlyMemory<byte>> Fetch(int i) => downloaders[i].FetchChunkAsync("uploader", manifest, i);

        var first4 = Enumerable.Range(1, 4).Select(Fetch).ToList();
        var started = new[] { await gated.NextStartedAsync(), await gated.NextStartedAsync(), await gated.NextStartedAsync(), await gated.NextStartedAsync() };
        var fifthBusy = downloaders[5].Busy.FirstAsync().ToTask().WaitAsync(TestSwarm.Patience);
        var fifth = Fetch(5);
        var busy5 = await fifthBusy;
        var sixthBusy = downloaders[6].Busy.FirstAsync().ToTask().WaitAsync(TestSwarm.Patience);
        var sixth = Fetch(6);
        var busy6 = await sixthBusy;
        var stateWhileFull = uploader.Uploads.Current;

        gated.Open(2);
        await first4[1].WaitAsync(TestSwarm.Patience);
        var nextServed = await gated.NextStartedAsync();
        gated.Open(4);
        var lastServed = await gated.NextStartedAsync();
        gated.OpenAll([1, 3, 5, 6]);
        var all = await Task.WhenAll([.. first4, fifth, sixth]).WaitAsync(TestSwarm.Patience);

        Assert.Equal([1, 2, 3, 4], started.Order());
        Assert.Equal((5, 1), (busy5.Index, busy5.QueuePosition));
        Assert.Equal((6, 2), (busy6.Index, busy6.QueuePosition));
        Assert.Equal(new Streams.Gates.UploadSlotsState(4, 2), stateWhileFull);
        Assert.Equal(5, nextServed);
        Assert.Equal(6, lastServed);
        for (var i = 0; i < 6; i++)
            Assert.Equal(bytes.AsSpan((i + 1) * 16 * 1024, 16 * 1024).ToArray(), all[i].ToArray());
    }

    [Fact]
    public async Task A_connection_with_no_byte_either_way_for_the_idle_limit_is_closed_on_both_sides()
    {
        await using var swarm = new TestSwarm();
        // Long enough for a handshake on a loaded machine, short enough for a quick test.
        var idle = TimeSpan.FromSeconds(1.5);
        var a = await swarm.StartAsync("a", tune: o => o with { IdleTimeout = idle });
        var b = await swarm.StartAsync("b", tune: o => o with { IdleTimeout = idle });
        var closedAtA = a.NextClose(c => c.PeerId == "b");
        var closedAtB = b.NextClose(c => c.PeerId == "a");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await a.ConnectToAsync(b);
        var closes = await Task.WhenAll(closedAtA, closedAtB);

        // Both timers run out together; the side whose fires first closes, the other hears its GOODBYE.
        Assert.Contains(closes, c => c.Reason == CloseReason.Idle);
        Assert.All(closes, c => Assert.True(c.Reason == CloseReason.Idle || (c.Reason == CloseReason.RemoteGoodbye && c.Detail.StartsWith("Idle")), $"{c.Reason}: {c.Detail}"));
        Assert.True(watch.Elapsed >= idle, $"closed after {watch.Elapsed}");
        Assert.False(a.IsConnected("b"));
        Assert.False(b.IsConnected("a"));
    }

    [Fact]
    public async Task On_virtual_time_a_silent_connection_is_closed_to_the_tick_thirty_seconds_after_its_last_byte()
    {
        var time = new SharedVirtualTime();
        await using var swarm = new TestSwarm(scheduler: time);
        var a = await swarm.StartAsync("a");
        var b = await swarm.StartAsync("b");
        var closedAtA = a.NextClose(c => c.PeerId == "b");
        var closedAtB = b.NextClose(c => c.PeerId == "a");
        await a.ConnectToAsync(b);
        // Every byte of the handshake counted at both ends (a byte is noted as traffic before it is
        // counted), so nothing left in flight can move the last byte's time.
        Assert.True(SpinWait.SpinUntil(() => Settled(a, b), TestSwarm.Patience), "the handshake's bytes were not all counted");
        var lastByte = time.Now;

        time.AdvanceBy(IdleDisconnect.Limit - TimeSpan.FromTicks(1));
        Assert.True(a.IsConnected("b") && b.IsConnected("a"), "closed before the limit");
        Assert.False(closedAtA.IsCompleted || closedAtB.IsCompleted);

        time.AdvanceBy(TimeSpan.FromTicks(1));
        var closes = await Task.WhenAll(closedAtA, closedAtB);
        Assert.Contains(closes, c => c.Reason == CloseReason.Idle && c.At == lastByte + IdleDisconnect.Limit);
        Assert.All(closes, c => Assert.True(c.Reason == CloseReason.Idle || (c.Reason == CloseReason.RemoteGoodbye && c.Detail.StartsWith("Idle")), $"{c.Reason}: {c.Detail}"));
    }

    private static bool Settled(PeerNode a, PeerNode b)
    {
        var (atA, atB) = (a.Snapshot().Links.SingleOrDefault(), b.Snapshot().Links.SingleOrDefault());
        return atA is not null && atB is not null && atA.BytesOut == atB.BytesIn && atB.BytesOut == atA.BytesIn;
    }

    [Fact]
    public async Task Traffic_keeps_a_connection_open_past_the_idle_limit()
    {
        await using var swarm = new TestSwarm();
        var idle = TimeSpan.FromSeconds(2);
        var (manifest, bytes) = RandomTracks.Make("track-1", 64 * 1024);
        var held = new MemoryTracks();
        held.Add(manifest, bytes);
        var a = await swarm.StartAsync("a", tune: o => o with { IdleTimeout = idle });
        var b = await swarm.StartAsync("b", held, o => o with { IdleTimeout = idle });
        await a.ConnectToAsync(b);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        // One chunk every few hundred milliseconds: never idle for long, open for more than twice the limit.
        var ticks = Observable.Interval(TimeSpan.FromMilliseconds(200)).Take(25);
        await ticks.Select(i => Observable.FromAsync(() => a.FetchChunkAsync("b", manifest, (int)(i % 4)))).Concat().LastAsync().ToTask().WaitAsync(TestSwarm.Patience);

        Assert.True(watch.Elapsed > 2 * idle);
        Assert.True(a.IsConnected("b"));
    }
}
