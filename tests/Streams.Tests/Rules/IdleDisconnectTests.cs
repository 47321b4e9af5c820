using System.Reactive;
using Spotify.Rx.Marbles;
using Spotify.Rx.Streams.Observables;
using Spotify.Rx.Streams.Rules;
using static Spotify.Rx.Streams.Tests.Rules.Audio;

namespace Spotify.Rx.Streams.Tests.Rules;

public class IdleDisconnectTests
{
    private static readonly object Closed = new { c = Unit.Default };
    private static readonly object Bytes = new { b = 1L, k = 16_384L, z = 0L };

    [Fact]
    public void A_connection_over_which_no_byte_passes_for_thirty_seconds_is_closed()
    {
        var m = new MarbleScheduler(Frame);
        var traffic = m.Hot<long>("^");

        m.ExpectObservable(IdleDisconnect.Source(traffic, m)).ToBe("30s (c|)", Closed);
        m.Flush();
    }

    [Fact]
    public void A_single_byte_in_either_direction_resets_the_idle_time()
    {
        var m = new MarbleScheduler(Frame);
        var sent = m.Hot<long>("    ^ 19s b", Bytes);
        var received = m.Hot<long>("^ 39s b", Bytes);

        m.ExpectObservable(IdleDisconnect.Source(ConnectionTraffic.Both(sent, received), m)).ToBe(
                                   "70s (c|)", Closed);
        m.Flush();
    }

    [Fact]
    public void A_connection_with_a_byte_every_twenty_nine_seconds_stays_open_until_thirty_silent_seconds()
    {
        var m = new MarbleScheduler(Frame);
        var traffic = m.Hot<long>("^ 28s b 28s k 28s b 28s k", Bytes);

        m.ExpectObservable(IdleDisconnect.Source(traffic, m)).ToBe("146s (c|)", Closed);
        m.Flush();
    }

    [Fact]
    public void Traffic_that_ends_leaves_the_connection_to_close_thirty_seconds_after_the_last_byte()
    {
        var m = new MarbleScheduler(Frame);
        var traffic = m.Hot<long>("^ 9s k|", Bytes);

        m.ExpectObservable(IdleDisconnect.Source(traffic, m)).ToBe("40s (c|)", Closed);
        m.Flush();
    }

    [Fact]
    public void A_count_of_zero_bytes_is_no_traffic()
    {
        var m = new MarbleScheduler(Frame);
        var sent = m.Hot<long>("^ 9s z", Bytes);
        var received = m.Hot<long>("^");

        m.ExpectObservable(IdleDisconnect.Source(ConnectionTraffic.Both(sent, received), m)).ToBe("30s (c|)", Closed);
        m.Flush();
    }

    [Fact]
    public void The_idle_limit_can_be_shortened_for_a_test_swarm()
    {
        var m = new MarbleScheduler(TimeSpan.FromMilliseconds(100));
        var traffic = m.Hot<long>("^-b", Bytes);

        m.ExpectObservable(IdleDisconnect.Source(traffic, m, TimeSpan.FromMilliseconds(500))).ToBe("-------(c|)", Closed);
        m.Flush();
    }

    [Fact]
    public void The_idle_time_is_counted_from_subscription()
    {
        var m = new MarbleScheduler(Frame);
        var traffic = m.Hot<long>("^ 9s b", Bytes);

        m.ExpectObservable(IdleDisconnect.Source(traffic, m), "   20s ^").ToBe("50s (c|)", Closed);
        m.Flush();
    }

    [Fact]
    public void A_failing_connection_reports_its_error_instead_of_an_idle_close()
    {
        var m = new MarbleScheduler(Frame);
        var reset = new InvalidOperationException("connection reset");
        var traffic = m.Hot<long>("^-b-#", Bytes, reset);

        m.ExpectObservable(IdleDisconnect.Source(traffic, m)).ToBe("----#", error: new InvalidOperationException("connection reset"));
        m.Flush();
    }
}
