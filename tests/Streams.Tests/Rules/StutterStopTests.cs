using Spotify.Rx.Marbles;
using Spotify.Rx.Streams.Decisions;
using Spotify.Rx.Streams.Rules;
using static Spotify.Rx.Streams.Tests.Rules.Audio;

namespace Spotify.Rx.Streams.Tests.Rules;

public class StutterStopTests
{
    private static readonly object Modes = new { n = StutterMode.Normal, r = StutterMode.Recovering };
    private static readonly object Stutters = new { x = new Stutter("t1", Seconds(61)), y = new Stutter("t1", Seconds(70)) };

    [Fact]
    public void A_stutter_stops_all_uploads_until_the_current_track_is_fully_buffered()
    {
        var m = new MarbleScheduler(Frame);
        var stutters = m.Hot<Stutter>("^---x", Stutters);
        var level = m.Hot<BufferLevel>("^-a---b-c-d", new { a = Level(3), b = Level(12), c = Level(40), d = Complete(42) });

        m.ExpectObservable(StutterStop.Source(stutters, level, m)).ToBe(
                                       "n---r-----n", Modes);
        m.Flush();
    }

    [Fact]
    public void Uploads_run_while_nothing_stutters()
    {
        var m = new MarbleScheduler(Frame);
        var stutters = m.Hot<Stutter>("^", Stutters);
        var level = m.Hot<BufferLevel>("^-a-b-c", new { a = Level(3), b = Level(0.5), c = Complete(42) });

        m.ExpectObservable(StutterStop.Source(stutters, level, m)).ToBe("n", Modes);
        m.Flush();
    }

    [Fact]
    public void A_second_stutter_while_recovering_keeps_uploads_stopped_until_the_track_is_complete()
    {
        var m = new MarbleScheduler(Frame);
        var stutters = m.Hot<Stutter>("^-x---y", Stutters);
        var level = m.Hot<BufferLevel>("^---a---b", new { a = Level(20), b = Complete(30) });

        m.ExpectObservable(StutterStop.Source(stutters, level, m)).ToBe(
                                       "n-r-----n", Modes);
        m.Flush();
    }
}
