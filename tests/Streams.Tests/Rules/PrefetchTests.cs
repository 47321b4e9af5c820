using Spotify.Rx.Marbles;
using Spotify.Rx.Streams.Decisions;
using Spotify.Rx.Streams.Rules;
using static Spotify.Rx.Streams.Tests.Rules.Audio;

namespace Spotify.Rx.Streams.Tests.Rules;

public class PrefetchTests
{
    // Each step carries the time left it was decided on (and the server step what was prefetched),
    // so every expected value says at exactly which input the rule fired.
    private static PrefetchStep Peers(string trackId, double left) => new PrefetchFromPeers(trackId, Seconds(left));

    private static PrefetchStep Server(string trackId, double left, double prefetched = 0) =>
        new PrefetchFromServer(trackId, Seconds(15), Seconds(left), Seconds(prefetched));

    private static PrefetchStep Cancel(string trackId) => new CancelPrefetch(trackId);

    [Fact]
    public void With_thirty_seconds_left_the_next_track_is_fetched_from_peers()
    {
        var m = new MarbleScheduler(Frame);
        var next = m.Hot<NextTrack>("^n", new { n = Next("t1", "t2") });
        var left = m.Hot<TrackTimeLeft>("^-abc", new { a = Left("t1", 32), b = Left("t1", 30.001), c = Left("t1", 30.0) });

        m.ExpectObservable(Prefetch.Source(left, next, m)).ToBe(
                                        "----p", new { p = Peers("t2", 30) });
        m.Flush();
    }

    [Fact]
    public void With_ten_seconds_left_and_less_than_fifteen_prefetched_the_server_sends_the_first_fifteen_seconds()
    {
        var m = new MarbleScheduler(Frame);
        var next = m.Hot<NextTrack>("^n----m", new { n = Next("t1", "t2", 0), m = Next("t1", "t2", 14.9) });
        var left = m.Hot<TrackTimeLeft>("^-a---b-c", new { a = Left("t1", 30), b = Left("t1", 10.001), c = Left("t1", 10.0) });

        m.ExpectObservable(Prefetch.Source(left, next, m)).ToBe(
                                        "--p-----s", new { p = Peers("t2", 30), s = Server("t2", 10, prefetched: 14.9) });
        m.Flush();
    }

    [Fact]
    public void Fifteen_seconds_prefetched_from_peers_spare_the_server()
    {
        var m = new MarbleScheduler(Frame);
        var next = m.Hot<NextTrack>("^n----m", new { n = Next("t1", "t2", 0), m = Next("t1", "t2", 15.0) });
        var left = m.Hot<TrackTimeLeft>("^-a---b-c-d", new { a = Left("t1", 30), b = Left("t1", 12), c = Left("t1", 10), d = Left("t1", 2) });

        m.ExpectObservable(Prefetch.Source(left, next, m)).ToBe(
                                        "--p", new { p = Peers("t2", 30) });
        m.Flush();
    }

    [Fact]
    public void A_track_shorter_than_thirty_seconds_prefetches_from_its_start()
    {
        var m = new MarbleScheduler(Frame);
        var next = m.Hot<NextTrack>("^n", new { n = Next("t1", "t2") });
        var left = m.Hot<TrackTimeLeft>("^-a-b-c", new { a = Left("t1", 25), b = Left("t1", 23), c = Left("t1", 21) });

        m.ExpectObservable(Prefetch.Source(left, next, m)).ToBe(
                                        "--p", new { p = Peers("t2", 25) });
        m.Flush();
    }

    [Fact]
    public void A_track_shorter_than_ten_seconds_asks_peers_and_server_at_once()
    {
        var m = new MarbleScheduler(Frame);
        var next = m.Hot<NextTrack>("^n", new { n = Next("t1", "t2") });
        var left = m.Hot<TrackTimeLeft>("^-a-b", new { a = Left("t1", 8), b = Left("t1", 6) });

        m.ExpectObservable(Prefetch.Source(left, next, m)).ToBe(
                                        "--(ps)", new { p = Peers("t2", 8), s = Server("t2", 8) });
        m.Flush();
    }

    [Fact]
    public void Nothing_is_prefetched_when_no_track_comes_next()
    {
        var m = new MarbleScheduler(Frame);
        var next = m.Hot<NextTrack>("^n", new { n = NextTrack.None("t1") });
        var left = m.Hot<TrackTimeLeft>("^-a-b-c-d", new { a = Left("t1", 40), b = Left("t1", 30), c = Left("t1", 10), d = Left("t1", 0) });

        m.ExpectObservable(Prefetch.Source(left, next, m)).ToBe("");
        m.Flush();
    }

    [Fact]
    public void A_track_change_in_the_middle_of_a_prefetch_cancels_it()
    {
        var m = new MarbleScheduler(Frame);
        var next = m.Hot<NextTrack>("^n---o", new { n = Next("t1", "t2"), o = Next("t7", "t3") });
        var left = m.Hot<TrackTimeLeft>("^-a-b-c", new { a = Left("t1", 28), b = Left("t7", 200), c = Left("t7", 30) });

        m.ExpectObservable(Prefetch.Source(left, next, m)).ToBe(
                                        "--p-c-q", new { p = Peers("t2", 28), c = Cancel("t2"), q = Peers("t3", 30) });
        m.Flush();
    }

    [Fact]
    public void Moving_on_to_the_prefetched_track_keeps_what_was_fetched()
    {
        var m = new MarbleScheduler(Frame);
        var next = m.Hot<NextTrack>("^n---o", new { n = Next("t1", "t2", 20), o = Next("t2", "t3") });
        var left = m.Hot<TrackTimeLeft>("^-a-b-c-d", new { a = Left("t1", 20), b = Left("t1", 0), c = Left("t2", 180), d = Left("t2", 30) });

        m.ExpectObservable(Prefetch.Source(left, next, m)).ToBe(
                                        "--p-----q", new { p = Peers("t2", 20), q = Peers("t3", 30) });
        m.Flush();
    }

    [Fact]
    public void A_new_next_track_during_a_prefetch_cancels_the_old_one_and_prefetches_the_new_one()
    {
        var m = new MarbleScheduler(Frame);
        var next = m.Hot<NextTrack>("^n-----o", new { n = Next("t1", "t2"), o = Next("t1", "t3") });
        var left = m.Hot<TrackTimeLeft>("^-a-b", new { a = Left("t1", 9), b = Left("t1", 7) });

        m.ExpectObservable(Prefetch.Source(left, next, m)).ToBe(
                                        "--(ps)-(cqt)", new { p = Peers("t2", 9), s = Server("t2", 9), c = Cancel("t2"), q = Peers("t3", 7), t = Server("t3", 7) });
        m.Flush();
    }

    [Fact]
    public void A_next_track_said_for_a_track_no_longer_playing_is_ignored()
    {
        var m = new MarbleScheduler(Frame);
        var next = m.Hot<NextTrack>("^---o", new { o = Next("t0", "t2") });
        var left = m.Hot<TrackTimeLeft>("^-a---b", new { a = Left("t1", 25), b = Left("t1", 5) });

        m.ExpectObservable(Prefetch.Source(left, next, m)).ToBe("");
        m.Flush();
    }
}
