using Spotify.Rx.Marbles;
using Spotify.Rx.Streams.Decisions;
using Spotify.Rx.Streams.Rules;
using static Spotify.Rx.Streams.Tests.Rules.Audio;

namespace Spotify.Rx.Streams.Tests.Rules;

public class RandomAccessStartTests
{
    private static readonly object Requests = new
    {
        r = new PlayRequest("t1", Seconds(42)),
        q = new PlayRequest("t2", Seconds(0)),
        f = new PlayRequest("t1", Seconds(42), PeersSought: true),
    };

    // s = server's 15 s from p, t = tracker's 10 peers, n = neighbours two hops, p = play.
    private static readonly object Steps = new
    {
        s = (StartStep)new FetchFromServer("t1", Seconds(42), Seconds(15)),
        t = new AskTracker("t1", 10),
        n = new SearchNeighbours("t1", 2),
        p = new StartPlayback("t1", Seconds(42)),
        u = new FetchFromServer("t2", Seconds(0), Seconds(15)),
        v = new AskTracker("t2", 10),
        w = new SearchNeighbours("t2", 2),
        q = new StartPlayback("t2", Seconds(0)),
    };

    [Fact]
    public void Server_tracker_and_neighbours_are_asked_at_once_and_play_starts_when_the_first_packet_is_buffered()
    {
        var m = new MarbleScheduler(Frame);
        var requests = m.Hot<PlayRequest>("^-r", Requests);
        var level = m.Hot<BufferLevel>(   "^---h--o", new { h = Level(0.019), o = Level(0.020) });

        m.ExpectObservable(RandomAccessStart.Source(requests, level, m)).ToBe(
                                          "--(stn)p", Steps);
        m.Flush();
    }

    [Fact]
    public void A_track_whose_prefetch_seeks_its_peers_already_is_asked_only_of_the_server()
    {
        var m = new MarbleScheduler(Frame);
        var requests = m.Hot<PlayRequest>("^-f", Requests);
        var level = m.Hot<BufferLevel>(   "^---o", new { o = Level(0.020) });

        m.ExpectObservable(RandomAccessStart.Source(requests, level, m)).ToBe(
                                          "--s-p", Steps);
        m.Flush();
    }

    [Fact]
    public void Play_starts_at_once_when_the_rest_of_a_short_track_is_buffered()
    {
        var m = new MarbleScheduler(Frame);
        var requests = m.Hot<PlayRequest>("^-r", Requests);
        var level = m.Hot<BufferLevel>(   "^------e", new { e = Complete(0.010) });

        m.ExpectObservable(RandomAccessStart.Source(requests, level, m)).ToBe(
                                          "--(stn)p", Steps);
        m.Flush();
    }

    [Fact]
    public void A_new_request_abandons_the_start_of_the_previous_one()
    {
        var m = new MarbleScheduler(Frame);
        var requests = m.Hot<PlayRequest>("^-r------q", Requests);
        var level = m.Hot<BufferLevel>(   "^--------------o", new { o = Level(3) });

        m.ExpectObservable(RandomAccessStart.Source(requests, level, m)).ToBe(
                                          "--(stn)--(uvw)-q", Steps);
        m.Flush();
    }

    [Fact]
    public void Nothing_plays_before_any_audio_is_buffered()
    {
        var m = new MarbleScheduler(Frame);
        var requests = m.Hot<PlayRequest>("^-r", Requests);
        var level = m.Hot<BufferLevel>(   "^---z-z-z", new { z = Level(0) });

        m.ExpectObservable(RandomAccessStart.Source(requests, level, m)).ToBe(
                                          "--(stn)", Steps);
        m.Flush();
    }
}
