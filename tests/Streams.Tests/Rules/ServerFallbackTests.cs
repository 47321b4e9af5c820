using Spotify.Rx.Marbles;
using Spotify.Rx.Streams.Rules;
using static Spotify.Rx.Streams.Tests.Rules.Audio;

namespace Spotify.Rx.Streams.Tests.Rules;

public class ServerFallbackTests
{
    private static readonly object Sources = new { p = DataSource.Peers, s = DataSource.Server };

    [Fact]
    public void Falls_back_to_the_server_when_the_buffer_drops_below_ten_seconds()
    {
        var m = new MarbleScheduler(Frame);
        var level = m.Hot<BufferLevel>("^-a-b-c-d", new { a = Level(20), b = Level(12), c = Level(9), d = Level(11) });

        m.ExpectObservable(ServerFallback.Source(level, m)).ToBe(
                                        "--p---s-p", Sources);
        m.Flush();
    }

    [Fact]
    public void Ten_seconds_exactly_is_not_below_ten_seconds()
    {
        var m = new MarbleScheduler(Frame);
        var level = m.Hot<BufferLevel>("^-a-b-c", new { a = Level(12), b = Level(10.0), c = Level(9.999) });

        m.ExpectObservable(ServerFallback.Source(level, m)).ToBe(
                                        "--p---s", Sources);
        m.Flush();
    }

    [Fact]
    public void Peers_resume_once_the_level_is_back_at_exactly_ten_seconds()
    {
        var m = new MarbleScheduler(Frame);
        var level = m.Hot<BufferLevel>("^-a-b-c", new { a = Level(8), b = Level(9.999), c = Level(10.0) });

        m.ExpectObservable(ServerFallback.Source(level, m)).ToBe(
                                        "--s---p", Sources);
        m.Flush();
    }

    [Fact]
    public void A_track_buffered_to_its_end_never_falls_back_however_little_is_left()
    {
        var m = new MarbleScheduler(Frame);
        var level = m.Hot<BufferLevel>("^-a-b-c", new { a = Level(12), b = Complete(5), c = Complete(0) });

        m.ExpectObservable(ServerFallback.Source(level, m)).ToBe(
                                        "--p", Sources);
        m.Flush();
    }

    [Fact]
    public void The_source_is_said_only_when_it_changes()
    {
        var m = new MarbleScheduler(Frame);
        var level = m.Hot<BufferLevel>("^-abcdef", new { a = Level(30), b = Level(20), c = Level(10), d = Level(5), e = Level(2), f = Level(0) });

        m.ExpectObservable(ServerFallback.Source(level, m)).ToBe(
                                        "--p--s", Sources);
        m.Flush();
    }
}
