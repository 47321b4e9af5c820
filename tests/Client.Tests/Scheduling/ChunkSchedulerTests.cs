using Microsoft.Reactive.Testing;
using Spotify.Rx.Streams.Scheduling;

namespace Spotify.Rx.Client.Tests.Scheduling;

public class ChunkSchedulerTests
{
    // 160 kbit/s in 16 KiB chunks: 20,000 bytes of audio a second, so 15 s is 19 chunks and 5 s is 7.
    private const int ChunkSize = 16 * 1024;
    private const double Rate = 20_000;
    private readonly TestScheduler _time = new();

    private ChunkScheduler Track(int chunks, ChunkSchedulerOptions? options = null) => new(chunks, ChunkSize, Rate, _time, options);

    private static PeerSource Peer(string id, double bytesPerSecond = 100_000) => new(id, bytesPerSecond);

    private void Advance(double seconds) => _time.AdvanceBy(TimeSpan.FromSeconds(seconds).Ticks);

    [Fact]
    public void With_no_peers_known_nothing_is_asked_beyond_rule_ones_window_as_the_playhead_moves_until_rule_three_asks_for_fifteen_seconds()
    {
        var s = Track(100);
        s.RequestedFromServer(0, 19);
        foreach (var c in Enumerable.Range(0, 19)) s.Received(c);
        // Not a request per chunk as the playhead enters it: the peers found meanwhile carry the rest.
        foreach (var playhead in Enumerable.Range(0, 10)) Assert.Empty(s.Next(playhead, [], FetchMode.Peers));
        // Below 10 s, rule 3: the next 15 s after the contiguous data, in one request.
        var fallback = s.Next(10, [], FetchMode.ServerFallback);
        Assert.All(fallback, a => Assert.True(a.ToServer));
        Assert.Equal(Enumerable.Range(19, 19), fallback.Select(a => a.Chunk));
    }

    [Fact]
    public void The_server_is_not_asked_again_while_its_request_is_in_flight()
    {
        var s = Track(100);
        Assert.NotEmpty(s.Next(0, [], FetchMode.ServerFallback));
        Assert.Empty(s.Next(0, [], FetchMode.ServerFallback));
    }

    [Fact]
    public void A_chunk_asked_only_of_a_peer_is_not_asked_of_the_server_until_the_server_is_asked_for_it_as_well()
    {
        var s = Track(100);
        var toPeer = s.Next(0, [Peer("a")], FetchMode.Peers).Where(a => !a.ToServer).Select(a => a.Chunk).ToArray();
        Assert.NotEmpty(toPeer);
        Assert.All(toPeer, c => Assert.True(s.IsInFlight(c) && !s.IsAskedOfServer(c)));

        // Rule 1's window at a play's start: the server too, beside the peer's request.
        s.RequestedFromServer(0, 19);
        Assert.All(toPeer, c => Assert.True(s.IsAskedOfServer(c)));
        Assert.True(s.IsAskedOfServer(18));
        Assert.False(s.IsAskedOfServer(19));
    }

    [Fact]
    public void Peers_get_the_missing_chunks_in_playback_order_from_the_playhead_then_the_start()
    {
        var s = Track(10, new ChunkSchedulerOptions { PipelinePerPeer = 100 });
        s.MarkHave(7);
        var next = s.Next(6, [Peer("a")], FetchMode.Peers);
        Assert.Equal([6, 8, 9, 0, 1, 2, 3, 4, 5], next.Select(a => a.Chunk));
        Assert.All(next, a => Assert.Equal("a", a.Peer));
    }

    [Fact]
    public void The_most_urgent_chunk_goes_to_the_peer_expected_to_deliver_it_soonest()
    {
        var s = Track(100);
        var next = s.Next(0, [Peer("slow", 10_000), Peer("fast", 200_000)], FetchMode.Peers);
        Assert.Equal(new ChunkAssignment(0, "fast"), next[0]);
        // The fast peer's queue fills before the slow one gets a chunk: 4 queued at 200 kB/s beat 1 at 10 kB/s.
        Assert.Equal(["fast", "fast", "fast", "fast", "slow"], next.Take(5).Select(a => a.Peer));
    }

    [Fact]
    public void At_most_five_peers_are_asked_at_once_and_the_fastest_are_chosen()
    {
        var s = Track(100);
        var peers = Enumerable.Range(1, 8).Select(i => Peer($"p{i}", i * 10_000)).ToArray();
        var next = s.Next(0, peers, FetchMode.Peers);
        Assert.Equal(["p4", "p5", "p6", "p7", "p8"], next.Select(a => a.Peer!).Distinct().Order());
        Assert.Equal(5 * 4, next.Count);
    }

    [Fact]
    public void Peers_at_work_stay_sources_when_faster_ones_appear()
    {
        var s = Track(100);
        var first = Enumerable.Range(1, 5).Select(i => Peer($"old{i}", 10_000)).ToArray();
        s.Next(0, first, FetchMode.Peers);
        var next = s.Next(0, [.. first, Peer("new", 1_000_000)], FetchMode.Peers);
        Assert.DoesNotContain(next, a => a.Peer == "new");
    }

    [Fact]
    public void A_chunk_held_up_by_a_slow_peer_beyond_its_deadline_is_asked_of_another_peer()
    {
        // Chunk 48 is 8 chunks (6.5 s) ahead of the playhead: not urgent, so another peer rather than the server.
        var s = Track(100, new ChunkSchedulerOptions { PipelinePerPeer = 1 });
        for (var c = 40; c < 48; c++) s.MarkHave(c);
        var a = Peer("a");
        var b = Peer("b");
        Assert.Equal([new ChunkAssignment(48, "a")], s.Next(40, [a], FetchMode.Peers));   // 0.16 s expected, 2 s deadline
        Advance(1.9);
        Assert.Equal([new ChunkAssignment(49, "b")], s.Next(40, [a, b], FetchMode.Peers));
        s.Received(49, from: "b");
        Advance(0.2);
        Assert.Contains(new ChunkAssignment(48, "b", Retry: true), s.Next(40, [a, b], FetchMode.Peers));
    }

    [Fact]
    public void An_urgent_chunk_held_up_by_a_slow_peer_is_asked_of_the_server()
    {
        var s = Track(100, new ChunkSchedulerOptions { PipelinePerPeer = 1 });
        s.Next(2, [Peer("a")], FetchMode.Peers);           // chunk 2 to a, within 5 s of the playhead
        Advance(3);
        var next = s.Next(2, [Peer("a")], FetchMode.Peers);
        Assert.Equal([ChunkAssignment.Server(2, retry: true)], next);
    }

    [Fact]
    public void When_the_late_chunk_arrives_the_duplicate_request_is_named_for_cancelling()
    {
        // Chunk 48 is 8 chunks (6.5 s) ahead of the playhead: late, but not yet urgent.
        var s = Track(100, new ChunkSchedulerOptions { PipelinePerPeer = 1 });
        for (var c = 40; c < 48; c++) s.MarkHave(c);
        s.Next(40, [Peer("a")], FetchMode.Peers);
        Advance(3);
        Assert.Contains(new ChunkAssignment(48, "b", Retry: true), s.Next(40, [Peer("a"), Peer("b")], FetchMode.Peers));
        Assert.Equal(["a"], s.Received(48, from: "b"));
        Assert.False(s.IsInFlight(48));
    }

    [Fact]
    public void While_peers_serve_the_track_the_server_is_never_asked_beyond_fifteen_seconds_ahead()
    {
        var s = Track(200, new ChunkSchedulerOptions { PipelinePerPeer = 1 });
        var peers = new[] { Peer("a", 1_000), Peer("b", 1_000) };
        for (var step = 0; step < 40; step++)
        {
            foreach (var a in s.Next(10, peers, FetchMode.Peers))
                Assert.True(a.Peer is not null || a.Chunk - 10 < s.ChunksFor(TimeSpan.FromSeconds(15)), $"{a} beyond 15 s");
            Advance(1);
        }
    }

    [Fact]
    public void In_fallback_the_server_gets_the_fifteen_seconds_after_the_contiguous_data_and_peers_nothing()
    {
        var s = Track(100);
        for (var c = 10; c < 15; c++) s.MarkHave(c);
        var next = s.Next(10, [Peer("a")], FetchMode.ServerFallback);
        Assert.Equal(Enumerable.Range(15, 19), next.Select(a => a.Chunk));
        Assert.All(next, a => Assert.True(a.ToServer));
    }

    [Fact]
    public void After_a_stutter_the_server_takes_the_rest_of_the_track_including_what_peers_had_in_hand()
    {
        var s = Track(30);
        s.Next(0, [Peer("a")], FetchMode.Peers);           // 0..3 to a
        var next = s.Next(0, [Peer("a")], FetchMode.ServerOnly);
        Assert.Equal(Enumerable.Range(0, 30), next.Select(a => a.Chunk));
        Assert.All(next, a => Assert.True(a.ToServer));
    }

    [Fact]
    public void A_peer_lost_gives_its_chunks_back_to_the_others()
    {
        var s = Track(100);
        s.Next(0, [Peer("a")], FetchMode.Peers);
        Assert.Equal([0, 1, 2, 3], s.PeerLost("a").Order());
        var next = s.Next(0, [Peer("b")], FetchMode.Peers);
        Assert.Equal([0, 1, 2, 3], next.Select(a => a.Chunk));
        Assert.All(next, a => Assert.Equal("b", a.Peer));
    }

    [Fact]
    public void A_chunk_with_a_bad_hash_is_asked_again()
    {
        var s = Track(100, new ChunkSchedulerOptions { PipelinePerPeer = 1 });
        s.Next(0, [Peer("a")], FetchMode.Peers);
        s.Failed(0, "a");
        Assert.Equal([new ChunkAssignment(0, "b")], s.Next(0, [Peer("b")], FetchMode.Peers));
    }

    [Fact]
    public void A_complete_track_asks_nobody()
    {
        var s = Track(3);
        for (var c = 0; c < 3; c++) s.Received(c);
        Assert.True(s.Complete);
        Assert.Empty(s.Next(0, [Peer("a")], FetchMode.ServerOnly));
    }

    [Fact]
    public void Chunks_the_rules_asked_of_the_server_directly_are_not_given_to_peers()
    {
        var s = Track(100, new ChunkSchedulerOptions { PipelinePerPeer = 100 });
        s.RequestedFromServer(0, 19);
        var next = s.Next(0, [Peer("a")], FetchMode.Peers);
        Assert.Equal(19, next.Min(a => a.Chunk));
        Assert.Empty(s.Next(0, [], FetchMode.Peers));
    }

    [Fact]
    public void A_prefetch_from_peers_only_never_asks_the_server()
    {
        var s = Track(100);
        Assert.Empty(s.Next(0, [], FetchMode.PeersOnly));
        var next = s.Next(0, [Peer("a")], FetchMode.PeersOnly);
        Assert.NotEmpty(next);
        Assert.All(next, a => Assert.Equal("a", a.Peer));
        Advance(60);                                       // every request late, all within 5 s of the playhead
        Assert.All(s.Next(0, [Peer("a")], FetchMode.PeersOnly), a => Assert.False(a.ToServer));
    }

    [Fact]
    public void A_suspended_track_asks_nobody()
    {
        var s = Track(100);
        Assert.Empty(s.Next(0, [Peer("a")], FetchMode.Suspended));
        Assert.Empty(s.Next(0, [], FetchMode.Suspended));
    }

    [Fact]
    public void With_no_peers_the_part_before_a_random_access_start_is_asked_once_the_playheads_fifteen_seconds_are_here()
    {
        var s = Track(100);
        s.RequestedFromServer(40, 19);
        Assert.Empty(s.Next(40, [], FetchMode.Peers));
        foreach (var c in Enumerable.Range(40, 19)) s.Received(c);
        var before = s.Next(40, [], FetchMode.Peers);
        Assert.Equal(Enumerable.Range(0, 40), before.Select(a => a.Chunk));
        Assert.All(before, a => Assert.True(a.ToServer));
    }

    [Fact]
    public void The_next_deadline_is_the_first_peer_request_to_become_late()
    {
        var s = Track(100);
        Assert.Null(s.NextDeadline);
        s.Next(0, [Peer("a")], FetchMode.Peers);
        Assert.Equal(_time.Now + TimeSpan.FromSeconds(2), s.NextDeadline);
        Advance(2);
        Assert.Null(s.NextDeadline);
    }
}
