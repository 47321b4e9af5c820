using Spotify.Rx.Marbles;
using Spotify.Rx.Streams.Observables;
using static Spotify.Rx.Streams.Tests.Rules.Audio;

namespace Spotify.Rx.Streams.Tests.Observables;

public class RemainingTimeTests
{
    [Fact]
    public void Time_left_is_the_duration_minus_the_position_never_below_zero()
    {
        var m = new MarbleScheduler(Frame);
        var durations = new Dictionary<string, TimeSpan> { ["t1"] = Seconds(200), ["t2"] = Seconds(25) };
        var position = m.Hot<PlaybackPosition>("^-a-b-c-d", new { a = Playing("t1", 0), b = Playing("t1", 170), c = Playing("t1", 201), d = Playing("t2", 0) });

        m.ExpectObservable(RemainingTime.Source(position, id => durations[id])).ToBe(
                                               "--a-b-c-d", new { a = Left("t1", 200), b = Left("t1", 30), c = Left("t1", 0), d = Left("t2", 25) });
        m.Flush();
    }

    [Fact]
    public void A_paused_player_repeating_its_position_says_nothing_new()
    {
        var m = new MarbleScheduler(Frame);
        var position = m.Hot<PlaybackPosition>("^-aab", new { a = Playing("t1", 10), b = Underrun("t1", 10) });

        m.ExpectObservable(RemainingTime.Source(position, _ => Seconds(60))).ToBe(
                                               "--a", new { a = Left("t1", 50) });
        m.Flush();
    }
}

public class StuttersTests
{
    [Fact]
    public void A_stutter_is_the_player_entering_underrun()
    {
        var m = new MarbleScheduler(Frame);
        var position = m.Hot<PlaybackPosition>("^-a-u-u-a-v", new { a = Playing("t1", 10), u = Underrun("t1", 11), v = Underrun("t1", 15) });

        m.ExpectObservable(Stutters.Source(position)).ToBe(
                                               "----x-----y", new { x = new Stutter("t1", Seconds(11)), y = new Stutter("t1", Seconds(15)) });
        m.Flush();
    }

    [Fact]
    public void An_underrun_on_a_new_track_is_a_new_stutter()
    {
        var m = new MarbleScheduler(Frame);
        var position = m.Hot<PlaybackPosition>("^-u-v", new { u = Underrun("t1", 11), v = Underrun("t2", 0) });

        m.ExpectObservable(Stutters.Source(position)).ToBe(
                                               "--x-y", new { x = new Stutter("t1", Seconds(11)), y = new Stutter("t2", Seconds(0)) });
        m.Flush();
    }
}

public class PeerAvailabilityTests
{
    [Fact]
    public void Each_change_in_the_peers_of_a_track_gives_a_new_immutable_snapshot()
    {
        var m = new MarbleScheduler(Frame);
        var changes = m.Hot<PeerChange>("^-a-b-a-c-x", new
        {
            a = PeerChange.Found("t1", "alice"),
            b = PeerChange.Found("t1", "bob"),
            c = PeerChange.Lost("t1", "alice"),
            x = PeerChange.Found("t9", "alice"),
        });

        m.ExpectObservable(PeerAvailability.Source(changes)).ToBe(
                                        "--1-2---3-9", new
                                        {
                                            _1 = PeerSet.Of("t1", "alice"),
                                            _2 = PeerSet.Of("t1", "alice", "bob"),
                                            _3 = PeerSet.Of("t1", "bob"),
                                            _9 = PeerSet.Of("t9", "alice"),
                                        });
        m.Flush();
    }

    [Fact]
    public void An_earlier_snapshot_is_not_changed_by_later_news()
    {
        var m = new MarbleScheduler(Frame);
        var changes = m.Hot<PeerChange>("^-a-b", new { a = PeerChange.Found("t1", "alice"), b = PeerChange.Lost("t1", "alice") });
        var seen = new List<PeerSet>();
        PeerAvailability.Source(changes).Subscribe(seen.Add);

        m.Start();

        Assert.Equal(["alice"], seen[0].Peers);
        Assert.Empty(seen[1].Peers);
    }

    [Fact]
    public void The_peers_of_one_track_ignore_news_of_others()
    {
        var m = new MarbleScheduler(Frame);
        var changes = m.Hot<PeerChange>("^-a-x-l", new { a = PeerChange.Found("t1", "alice"), x = PeerChange.Found("t2", "bob"), l = PeerChange.Lost("t2", "alice") });

        m.ExpectObservable(PeerAvailability.For("t1", changes)).ToBe(
                                        "--1", new { _1 = PeerSet.Of("t1", "alice") });
        m.Flush();
    }
}

public class BufferLevelsTests
{
    [Fact]
    public void The_level_is_the_contiguous_audio_ahead_of_the_playhead_and_complete_at_the_track_end()
    {
        var m = new MarbleScheduler(Frame);
        var playhead = m.Hot<TimeSpan>("^-a---b-c", new { a = Seconds(0), b = Seconds(4), c = Seconds(9) });
        var end = m.Hot<TimeSpan>(     "^--x-y---z", new { x = Seconds(5), y = Seconds(8), z = Seconds(60) });

        m.ExpectObservable(BufferLevels.Source(playhead, end, Seconds(60))).ToBe(
                                       "---a-bc-zd", new { a = Level(5), b = Level(8), c = Level(4), z = Level(0), d = Complete(51) });
        m.Flush();
    }

    [Fact]
    public void A_playhead_past_the_buffered_data_has_nothing_ahead()
    {
        var m = new MarbleScheduler(Frame);
        var playhead = m.Hot<TimeSpan>("^-a", new { a = Seconds(12) });
        var end = m.Hot<TimeSpan>(     "^x", new { x = Seconds(10) });

        m.ExpectObservable(BufferLevels.Source(playhead, end, Seconds(60))).ToBe(
                                       "--z", new { z = Level(0) });
        m.Flush();
    }
}
