using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Streams;
using Spotify.Rx.Streams.Decisions;
using Spotify.Rx.Streams.Rules;

namespace Spotify.Rx.Client.Tests.Engine;

/// <summary>
/// The client's rules end to end: the whole engine on virtual time (one loop, a TestScheduler) with
/// an in-memory server, tracker and peers. Times are exact: the clock ticks every 50 ms at speed 1,
/// so a threshold is crossed within one tick (50 ms of audio) of where it lies.
/// </summary>
public class EngineRuleTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    private static (TrackManifest Manifest, byte[] Bytes)[] ByLength(VirtualSwarm swarm) =>
        swarm.Tracks.Values.OrderByDescending(t => t.Manifest.Duration).ToArray();

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public async Task A_random_access_start_asks_the_server_for_fifteen_seconds_the_tracker_and_the_neighbours_at_once_and_plays_when_the_first_packet_of_the_window_lands()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var (track, _) = ByLength(swarm)[0];
        var at = TimeSpan.FromSeconds(10);
        var asked = swarm.Now;
        var play = swarm.Client.PlayAsync([new PlayItem(track.Id, at)]);
        swarm.RunUntil(() => swarm.Of<PlaybackStarted>().Length > 0, Bound);

        var (start, end) = track.ByteRangeFor(at, RandomAccessStart.ServerWindow);
        var window = swarm.Server.Ranges.Single(r => r.Start <= start && r.End >= end);
        var tracker = swarm.Tracker.Asked.First();
        var search = swarm.Overlay.Searches.First();
        // The manifest first (one server round trip), then the three at the same instant (to the millisecond).
        Assert.InRange(tracker.At - window.At, TimeSpan.Zero, Ms(1));
        Assert.InRange(search.At - window.At, TimeSpan.Zero, Ms(1));
        Assert.InRange(window.At - asked, swarm.Server.Latency, swarm.Server.Latency + Ms(1));
        // Playback starts the moment the window's first chunks holding a packet from the position land,
        // not when the whole 15 s have come: the server's parts are used as they arrive.
        var needed = Enumerable.Range(track.ChunkIndexOf(window.Start), track.ChunkCount - track.ChunkIndexOf(window.Start))
            .Select(track.ChunkRange)
            .First(c => track.PlayableUntil(c.End) >= at + AudioTime.Packet);
        var landed = window.At + swarm.Server.Latency + TimeSpan.FromSeconds((needed.End - window.Start) / swarm.Server.BytesPerSecond);
        Assert.True(needed.End < window.End);
        var started = swarm.Of<PlaybackStarted>().Single();
        Assert.Equal(at, started.From);
        Assert.InRange(started.At - landed, TimeSpan.Zero, Ms(1));
        // First audio counts from the play's creation, after the manifest's round trip.
        Assert.InRange(started.At - asked - started.FirstAudio, swarm.Server.Latency, swarm.Server.Latency + Ms(1));
        swarm.RunUntil(() => play.IsCompleted, Bound);
    }

    [Fact]
    public async Task A_playlist_left_while_its_manifest_is_on_the_way_ends_as_cancelled_whatever_the_request_failed_with()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var (track, _) = ByLength(swarm)[0];
        swarm.Server.Latency = TimeSpan.FromSeconds(2);
        swarm.Server.CancelledAs = () => new HttpRequestException("Call failed. The operation was canceled", new TaskCanceledException());
        using var skip = new CancellationTokenSource();
        var play = swarm.Client.PlayAsync([new PlayItem(track.Id, TimeSpan.Zero)], skip.Token);
        swarm.Run(TimeSpan.FromSeconds(1));

        skip.Cancel();
        swarm.RunUntil(() => play.IsCompleted, Bound);

        // A listener's skip is a cancellation, not a failure of the client: callers tell the two apart by type.
        Assert.True(play.IsCanceled, $"the play ended {play.Status}: {play.Exception?.GetBaseException().Message}");
    }

    [Fact]
    public async Task Below_ten_seconds_the_next_fifteen_come_from_the_server_at_once_and_peers_resume_at_ten()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var (track, _) = ByLength(swarm)[0];
        swarm.AddPeer("slow", 10_000, track.Id);           // half of playback's 20 kB/s
        var play = swarm.Client.PlayAsync([new PlayItem(track.Id, TimeSpan.Zero)]);
        swarm.RunUntil(() => swarm.Of<FallbackStarted>().Length > 0, Bound);

        var fallback = swarm.Of<FallbackStarted>().Single();
        // The player reports its playhead exactly where the level first falls below 10 s.
        Assert.Equal(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1), fallback.Level.Ahead);
        // The rule's 15 s are asked in the same instant, from the end of the contiguous data.
        var asked = swarm.Server.Ranges.Where(r => r.At == fallback.At).ToArray();
        Assert.NotEmpty(asked);
        Assert.True(asked.Sum(r => r.End - r.Start) <= track.ByteRangeFor(TimeSpan.Zero, ServerFallback.FetchLength).End + track.ChunkSize);
        Assert.True(swarm.Of<PeersResumed>().First().AfterStart);
        Assert.True(swarm.Of<PeersResumed>().First().At < fallback.At);

        swarm.RunUntil(() => swarm.Of<PeersResumed>().Any(p => !p.AfterStart), Bound);
        var resumed = swarm.Of<PeersResumed>().Last();
        Assert.True(resumed.Level.Ahead >= TimeSpan.FromSeconds(10));
        swarm.RunUntil(() => play.IsCompleted, Bound);
        Assert.Equal(0, swarm.Client.Reports.Single().Stutters);
    }

    [Fact]
    public async Task With_the_server_down_during_a_fallback_a_slow_peer_carries_the_track_and_the_server_is_asked_again_once_it_may_be()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var (track, _) = ByLength(swarm)[0];
        swarm.AddPeer("slow", 14_000, track.Id);           // 0.7 of playback's rate: the level falls below 10 s before the end
        var play = swarm.Client.PlayAsync([new PlayItem(track.Id, TimeSpan.Zero)]);
        swarm.RunUntil(() => swarm.Of<PeersResumed>().Length > 0, Bound);
        swarm.Server.Down = true;
        swarm.RunUntil(() => swarm.Of<ServerFailed>().Length > 0, Bound);
        var failed = swarm.Of<ServerFailed>()[0];
        var fetched = swarm.Overlay.Fetches.Count;
        var atFailure = swarm.Client.Snapshot();
        swarm.Run(TimeSpan.FromSeconds(4));
        // The peer is asked while the server rests, and the server again each time it may be.
        Assert.True(swarm.Overlay.Fetches.Count > fetched);
        Assert.Contains(swarm.Server.Ranges, r => r.At >= failed.At + TimeSpan.FromSeconds(1) && r.At <= failed.At + TimeSpan.FromSeconds(1) + Ms(1) + swarm.Server.Latency * 2);
        // Twelve seconds without the server: the level falls only by the peer's shortfall (0.3 s a second,
        // give or take the chunk in flight). A peer that stopped being asked would leave its pipelined
        // chunks alone to play, and the level would fall a second per second.
        swarm.Run(TimeSpan.FromSeconds(8));
        var outage = swarm.Client.Snapshot();
        var playbackRate = track.ByteLength / track.Duration.TotalSeconds;
        var shortfall = 1 - 14_000 / playbackRate;
        var chunkAudio = TimeSpan.FromSeconds(track.ChunkSize / playbackRate);
        var played = outage.Position - atFailure.Position;
        Assert.Equal(PlayerState.Playing, outage.State);
        Assert.Equal(TimeSpan.FromSeconds(12), played);
        Assert.True(outage.Level.Ahead >= atFailure.Level.Ahead - played * shortfall - chunkAudio,
            $"{outage.Level.Ahead} buffered after {played} without the server, from {atFailure.Level.Ahead}");
        swarm.Server.Down = false;
        swarm.RunUntil(() => play.IsCompleted, Bound);
        Assert.Equal(0, swarm.Client.Reports.Single().Stutters);
    }

    [Fact]
    public async Task A_server_rest_ends_when_its_timer_fires_even_a_millisecond_before_the_clock_says_so()
    {
        // Live timers may fire a little early; a download that judged the rest over by the clock slept on
        // with the playhead held at an underrun, and the track never came back once the server did.
        var swarm = await VirtualSwarm.CreateAsync(timersEarly: Ms(1));
        var (track, _) = ByLength(swarm)[0];
        var play = swarm.Client.PlayAsync([new PlayItem(track.Id, TimeSpan.Zero)]);
        swarm.RunUntil(() => swarm.Of<PlaybackStarted>().Length > 0, Bound);
        swarm.Server.Down = true;
        swarm.RunUntil(() => swarm.Of<UnderrunPaused>().Length > 0, Bound);
        swarm.Run(TimeSpan.FromSeconds(3));
        var failures = swarm.Of<ServerFailed>().Length;
        Assert.True(failures > 1, "the server was asked again while it was down");
        swarm.Server.Down = false;
        swarm.RunUntil(() => play.IsCompleted, Bound);
        Assert.True(play.IsCompletedSuccessfully);
        Assert.Equal(1, swarm.Client.Reports.Single().Stutters);
    }

    [Fact]
    public async Task An_underrun_pauses_at_the_exact_end_of_the_data_and_a_stutter_stops_uploads_takes_the_track_from_the_server_and_pauses_the_prefetch()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var tracks = ByLength(swarm);
        var (current, _) = tracks[0];
        var (next, _) = tracks[1];
        swarm.AddPeer("trickle", 5_000, next.Id);          // the next track only, slowly: its prefetch is still going at the stutter
        var play = swarm.Client.PlayAsync([new PlayItem(current.Id, TimeSpan.Zero), new PlayItem(next.Id, TimeSpan.Zero)]);
        swarm.RunUntil(() => swarm.Of<PlaybackStarted>().Length > 0, Bound);
        swarm.Run(TimeSpan.FromSeconds(1));
        swarm.Server.Down = true;
        swarm.RunUntil(() => swarm.Of<UnderrunPaused>().Length > 0, Bound);

        // Rule 5: the pause is exactly where the contiguous data the server sent ends.
        var held = Contiguous(swarm.Server.Ranges.Where(r => r.TrackId == current.Id && !r.Failed));
        var pause = swarm.Of<UnderrunPaused>().Single();
        Assert.Equal(current.PlayableUntil(held), pause.Pause.At);
        // Rule 4 in the same instant: a stutter at that position, all uploads stopped, the prefetch paused.
        var stutter = swarm.Of<Stuttered>().Single();
        Assert.Equal(pause.Pause.At, stutter.Stutter.Position);
        Assert.Equal(pause.At, stutter.At);
        Assert.Equal(stutter.At, swarm.Of<UploadsStopped>().Single().At);
        Assert.True(swarm.Services.Servable.UploadsStopped);
        Assert.Equal(stutter.At, swarm.Of<PrefetchPaused>().Single(p => p.Paused).At);
        var prefetchedBefore = swarm.Overlay.Fetches.Count(f => f.TrackId == next.Id);
        Assert.True(prefetchedBefore > 0, "the next track was being prefetched before the stutter");

        swarm.Run(TimeSpan.FromSeconds(3));
        swarm.Server.Down = false;
        swarm.RunUntil(() => swarm.Of<UploadsResumed>().Length > 0, Bound);
        var resumed = swarm.Of<UploadsResumed>().Single();
        // While recovering: only the current track, only from the server; the next track's prefetch asked nothing.
        Assert.DoesNotContain(swarm.Overlay.Fetches, f => f.TrackId == next.Id && f.At > stutter.At && f.At < resumed.At);
        Assert.DoesNotContain(swarm.Server.Ranges, r => r.TrackId == next.Id && r.At > stutter.At && r.At < resumed.At);
        Assert.False(swarm.Services.Servable.UploadsStopped);
        Assert.Equal(pause.Pause.At, swarm.Of<UnderrunResumed>().Single().Resume.At);
        Assert.Contains(swarm.Of<PrefetchPaused>(), p => !p.Paused && p.At == resumed.At);
        swarm.RunUntil(() => play.IsCompleted, Bound);
        Assert.Equal(1, swarm.Client.Reports[0].Stutters);
        Assert.Equal(1, swarm.Client.Reports[0].Pauses);
    }

    [Fact]
    public async Task The_next_track_is_prefetched_from_peers_at_thirty_seconds_left_and_its_first_fifteen_from_the_server_at_ten()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var tracks = ByLength(swarm);
        var (current, _) = tracks[0];
        var (next, _) = tracks[1];
        Assert.True(current.Duration > TimeSpan.FromSeconds(31), "the longest test track is longer than the prefetch's 30 s");
        var play = swarm.Client.PlayAsync([new PlayItem(current.Id, TimeSpan.Zero), new PlayItem(next.Id, TimeSpan.Zero)]);
        swarm.RunUntil(() => swarm.Of<PrefetchStarted>().Any(p => p.Step is PrefetchFromServer), Bound);

        var peers = (PrefetchFromPeers)swarm.Of<PrefetchStarted>().First().Step;
        Assert.Equal(next.Id, peers.TrackId);
        Assert.Equal(Prefetch.PeerThreshold, peers.Left);
        var server = swarm.Of<PrefetchStarted>().Single(p => p.Step is PrefetchFromServer);
        var step = (PrefetchFromServer)server.Step;
        Assert.Equal(Prefetch.ServerThreshold, step.Left);
        Assert.Equal(TimeSpan.Zero, step.Prefetched);      // nobody has the next track: peers brought nothing
        var (_, end) = next.ByteRangeFor(TimeSpan.Zero, Prefetch.ServerWindow);
        Assert.Contains(swarm.Server.Ranges, r => r.TrackId == next.Id && r.At == server.At && r.End >= end);
        Assert.DoesNotContain(swarm.Server.Ranges, r => r.TrackId == next.Id && r.At < server.At);
        swarm.RunUntil(() => play.IsCompleted, Bound);
        Assert.All(swarm.Client.Reports, r => Assert.Equal(0, r.Stutters));
    }

    [Fact]
    public async Task A_play_that_carries_on_an_incomplete_prefetch_does_not_seek_its_peers_again()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var tracks = ByLength(swarm);
        var (current, _) = tracks[0];
        var (next, _) = tracks[1];
        var play = swarm.Client.PlayAsync([new PlayItem(current.Id, TimeSpan.Zero), new PlayItem(next.Id, TimeSpan.Zero)]);
        swarm.RunUntil(() => swarm.Of<PlaybackStarted>().Any(p => p.TrackId == next.Id), Bound);
        swarm.Run(TimeSpan.FromSeconds(12));

        // Nobody has the next track: its prefetch brought the server's 15 s only, and became the play.
        var used = swarm.Of<PrefetchUsed>().Single(u => u.TrackId == next.Id);
        Assert.True(used.Prefetched < next.Duration);
        // The prefetch's search is the only one, and its tracker asks the only ones: 5 s apart, not two series.
        Assert.Single(swarm.Overlay.Searches, s => s.TrackId == next.Id);
        var asks = swarm.Tracker.Asked.Where(a => a.TrackId == next.Id).Select(a => a.At).ToArray();
        Assert.True(asks.Length >= 3);
        Assert.All(asks.Zip(asks.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(5) - Ms(1),
            $"tracker asked for the next track at {pair.First:mm:ss.fff} and again at {pair.Second:mm:ss.fff}"));
        swarm.RunUntil(() => play.IsCompleted, Bound);
        Assert.All(swarm.Client.Reports, r => Assert.Equal(0, r.Stutters));
    }

    [Fact]
    public async Task The_last_track_of_a_playlist_prefetches_nothing()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var tracks = ByLength(swarm);
        var (first, _) = tracks[2];
        var (last, _) = tracks[0];
        swarm.AddPeer("steady", 12_000, last.Id);          // slower than playback: the last track is still arriving while it plays
        var play = swarm.Client.PlayAsync([new PlayItem(first.Id, TimeSpan.Zero), new PlayItem(last.Id, TimeSpan.Zero)]);
        swarm.RunUntil(() => play.IsCompleted, Bound);

        var lastStarted = swarm.Of<PlaybackStarted>().Single(p => p.TrackId == last.Id).At;
        Assert.Contains(swarm.Of<PrefetchStarted>(), p => p.Step.TrackId == last.Id && p.At < lastStarted);
        Assert.DoesNotContain(swarm.Of<PrefetchStarted>(), p => p.At > lastStarted);
    }

    [Fact]
    public async Task A_random_access_play_with_no_peers_fetches_the_part_before_its_start_and_leaves_a_whole_cached_track()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var (track, bytes) = ByLength(swarm)[0];
        var play = swarm.Client.PlayAsync([new PlayItem(track.Id, TimeSpan.FromSeconds(20))]);
        swarm.RunUntil(() => play.IsCompleted, Bound);
        swarm.Run(TimeSpan.FromSeconds(5));

        var start = swarm.Of<StartRequested>().Single();
        var startOffset = track.OffsetOf(TimeSpan.FromSeconds(20));
        // After rule 1's window (asked with the header chunks), the server is asked for the part before the start too.
        Assert.Contains(swarm.Server.Ranges, r => r.At > start.At && r.End <= startOffset);
        Assert.Equal(bytes, swarm.Client.CachedCopy(track.Id));
    }

    [Fact]
    public async Task A_peer_found_while_the_node_is_at_its_connection_limit_is_not_dialled_and_is_once_a_slot_is_free()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var (track, _) = ByLength(swarm)[0];
        swarm.AddPeer("a", 1_000_000, track.Id);
        swarm.Overlay.Limit = 0;
        var play = swarm.Client.PlayAsync([new PlayItem(track.Id, TimeSpan.Zero)]);
        swarm.RunUntil(() => swarm.Tracker.Asked.Count == 2, Bound);
        // The tracker named a twice (at once and 5 s later): a dial would have been refused here, so none was made.
        Assert.Empty(swarm.Overlay.Dials);
        Assert.Empty(swarm.Of<FirstPeerFound>());

        swarm.Overlay.Limit = 1;
        var freed = swarm.Now;
        swarm.RunUntil(() => swarm.Of<FirstPeerFound>().Length > 0, Bound);
        var dial = Assert.Single(swarm.Overlay.Dials);
        Assert.Equal("a", dial.PeerId);
        Assert.True(dial.At > freed);
        var found = swarm.Of<FirstPeerFound>()[0];
        Assert.Equal(("a", "tracker"), (found.PeerId, found.Via));
        swarm.RunUntil(() => play.IsCompleted, Bound);
    }

    [Fact]
    public async Task Peer_availability_is_an_observable_of_the_peers_found_and_lost()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var (track, _) = ByLength(swarm)[0];
        var a = swarm.AddPeer("a", 10_000, track.Id);
        swarm.AddPeer("b", 10_000, track.Id);
        var sets = new List<PeerSet>();
        using var watch = swarm.Client.PeersOf(track.Id).Subscribe(sets.Add);
        var play = swarm.Client.PlayAsync([new PlayItem(track.Id, TimeSpan.Zero)]);
        swarm.RunUntil(() => sets.Count == 2, Bound);
        Assert.Equal(PeerSet.Of(track.Id, "a", "b"), sets[^1]);

        a.Refuses = true;                                  // MISSING to everything: a is lost for this track
        swarm.RunUntil(() => sets.Count == 3, Bound);
        Assert.Equal(PeerSet.Of(track.Id, "b"), sets[^1]);
        Assert.Contains(swarm.Of<PeerLost>(), l => l.PeerId == "a" && l.Reason == "ChunkUnavailable");
        swarm.RunUntil(() => play.IsCompleted, Bound);
    }

    [Fact]
    public async Task A_user_pause_stops_the_playhead_where_it_is_while_downloading_goes_on_and_counts_as_no_underrun()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var (track, _) = ByLength(swarm)[0];
        swarm.AddPeer("a", 10_000, track.Id);
        var play = swarm.Client.PlayAsync([new PlayItem(track.Id, TimeSpan.Zero)]);
        swarm.RunUntil(() => swarm.Of<PlaybackStarted>().Length > 0, Bound);
        swarm.Run(TimeSpan.FromSeconds(2));
        _ = swarm.Client.PauseAsync();          // done on the loop, which the test's clock runs
        swarm.Run(Ms(1));
        var paused = swarm.Client.Snapshot();
        Assert.Equal(PlayerState.Paused, paused.State);
        var fetched = swarm.Overlay.Fetches.Count;
        swarm.Run(TimeSpan.FromSeconds(10));
        Assert.Equal(paused.Position, swarm.Client.Snapshot().Position);
        Assert.True(swarm.Overlay.Fetches.Count > fetched, "downloading goes on during a user pause");

        _ = swarm.Client.ResumeAsync();
        swarm.Run(TimeSpan.FromSeconds(1));
        Assert.Equal(PlayerState.Playing, swarm.Client.Snapshot().State);
        // The resume is carried out on the loop, which a TestScheduler runs one tick after it is asked.
        Assert.Equal(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1), swarm.Client.Snapshot().Position - paused.Position);
        swarm.RunUntil(() => play.IsCompleted, Bound);
        Assert.Equal(0, swarm.Client.Reports.Single().Pauses);
        Assert.Equal(0, swarm.Client.Reports.Single().Stutters);
        Assert.Empty(swarm.Of<UnderrunPaused>());
    }

    [Fact]
    public async Task A_seek_is_a_cancel_and_a_new_play_whose_start_is_asked_at_once()
    {
        var swarm = await VirtualSwarm.CreateAsync();
        var (track, _) = ByLength(swarm)[0];
        using var first = new CancellationTokenSource();
        var play = swarm.Client.PlayAsync([new PlayItem(track.Id, TimeSpan.Zero)], first.Token);
        swarm.RunUntil(() => swarm.Of<PlaybackStarted>().Length > 0, Bound);
        swarm.Run(TimeSpan.FromSeconds(3));

        first.Cancel();
        swarm.Run(Ms(1));
        Assert.True(play.IsCompletedSuccessfully);         // leaving the last track ends the playlist
        var seekAt = swarm.Now;
        var seek = swarm.Client.PlayAsync([new PlayItem(track.Id, TimeSpan.FromSeconds(25))]);
        swarm.RunUntil(() => swarm.Of<StartRequested>().Length == 2, Bound);
        var start = swarm.Of<StartRequested>()[1];
        Assert.Equal(TimeSpan.FromSeconds(25), start.From);
        // The manifest is asked again (the play is new), then rule 1 at once.
        Assert.InRange(start.At - seekAt, TimeSpan.Zero, swarm.Server.Latency + Ms(1));
        swarm.RunUntil(() => seek.IsCompleted, Bound);
        Assert.Equal(2, swarm.Client.Reports.Count);
    }

    private static long Contiguous(IEnumerable<ServerRequest> ranges)
    {
        long end = 0;
        foreach (var r in ranges.OrderBy(r => r.Start))
            if (r.Start <= end) end = Math.Max(end, r.End);
        return end;
    }
}
