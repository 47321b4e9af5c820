using Spotify.Rx.Marbles;
using Spotify.Rx.Streams.Decisions;
using Spotify.Rx.Streams.Rules;
using static Spotify.Rx.Streams.Tests.Rules.Audio;

namespace Spotify.Rx.Streams.Tests.Rules;

public class UnderrunPauseTests
{
    [Fact]
    public void An_underrun_pauses_at_its_exact_position_and_playback_resumes_from_there()
    {
        var m = new MarbleScheduler(Frame);
        var position = m.Hot<PlaybackPosition>("^-a-b-c", new { a = Playing("t1", 41), b = Playing("t1", 43.26), c = Underrun("t1", 43.26) });
        var level = m.Hot<BufferLevel>(      "^-x--o--w", new { x = Level(2.26), o = Level(0), w = Level(3) });

        m.ExpectObservable(UnderrunPause.Source(position, level, m)).ToBe(
                                             "-----p--r", new
                                             {
                                                 p = (PlaybackCommand)new Pause("t1", Seconds(43.26), 1),
                                                 r = new Resume("t1", Seconds(43.26), Stalled: Seconds(3)),
                                             });
        m.Flush();
    }

    [Fact]
    public void Playback_resumes_from_the_pause_position_even_when_the_player_clock_ran_on_into_silence()
    {
        var m = new MarbleScheduler(Frame);
        var position = m.Hot<PlaybackPosition>("^-a--b-c", new { a = Playing("t1", 20), b = Underrun("t1", 20.04), c = Underrun("t1", 20.5) });
        var level = m.Hot<BufferLevel>(      "^---o---w", new { o = Level(0), w = Level(6) });

        m.ExpectObservable(UnderrunPause.Source(position, level, m)).ToBe(
                                             "----p---r", new
                                             {
                                                 p = (PlaybackCommand)new Pause("t1", Seconds(20), 1),
                                                 r = new Resume("t1", Seconds(20), Seconds(4)),
                                             });
        m.Flush();
    }

    [Fact]
    public void Every_pause_is_counted()
    {
        var m = new MarbleScheduler(Frame);
        var position = m.Hot<PlaybackPosition>("^-a----b--", new { a = Playing("t1", 10), b = Playing("t1", 12) });
        var level = m.Hot<BufferLevel>(      "^--o-w--o-w", new { o = Level(0), w = Level(1) });

        m.ExpectObservable(UnderrunPause.Source(position, level, m)).ToBe(
                                             "---1-r--2-s", new
                                             {
                                                 _1 = (PlaybackCommand)new Pause("t1", Seconds(10), 1),
                                                 r = new Resume("t1", Seconds(10), Seconds(2)),
                                                 _2 = new Pause("t1", Seconds(12), 2),
                                                 s = new Resume("t1", Seconds(12), Seconds(2)),
                                             });
        m.Flush();
    }

    [Fact]
    public void Playback_resumes_only_once_a_whole_packet_is_buffered()
    {
        var m = new MarbleScheduler(Frame);
        var position = m.Hot<PlaybackPosition>("^-a", new { a = Playing("t1", 5) });
        var level = m.Hot<BufferLevel>(      "^--o-h-w", new { o = Level(0), h = Level(0.019), w = Level(0.020) });

        m.ExpectObservable(UnderrunPause.Source(position, level, m)).ToBe(
                                             "---p---r", new
                                             {
                                                 p = (PlaybackCommand)new Pause("t1", Seconds(5), 1),
                                                 r = new Resume("t1", Seconds(5), Seconds(4)),
                                             });
        m.Flush();
    }

    [Fact]
    public void The_end_of_a_fully_buffered_track_is_not_an_underrun()
    {
        var m = new MarbleScheduler(Frame);
        var position = m.Hot<PlaybackPosition>("^-a-b", new { a = Playing("t1", 178), b = Playing("t1", 180) });
        var level = m.Hot<BufferLevel>(      "^-x-e", new { x = Complete(2), e = Complete(0) });

        m.ExpectObservable(UnderrunPause.Source(position, level, m)).ToBe("");
        m.Flush();
    }

    [Fact]
    public void A_player_that_is_not_playing_does_not_underrun()
    {
        var m = new MarbleScheduler(Frame);
        var position = m.Hot<PlaybackPosition>("^-a", new { a = new PlaybackPosition("t1", TimeSpan.Zero, PlayerState.Buffering) });
        var level = m.Hot<BufferLevel>(      "^--o", new { o = Level(0) });

        m.ExpectObservable(UnderrunPause.Source(position, level, m)).ToBe("");
        m.Flush();
    }

    [Fact]
    public void Moving_to_another_track_ends_a_pause_without_resuming_the_old_track()
    {
        var m = new MarbleScheduler(Frame);
        var position = m.Hot<PlaybackPosition>("^-a---b", new { a = Playing("t1", 30), b = new PlaybackPosition("t2", TimeSpan.Zero, PlayerState.Buffering) });
        var level = m.Hot<BufferLevel>(      "^--o----w", new { o = Level(0), w = Level(5) });

        m.ExpectObservable(UnderrunPause.Source(position, level, m)).ToBe(
                                             "---p", new { p = (PlaybackCommand)new Pause("t1", Seconds(30), 1) });
        m.Flush();
    }
}
