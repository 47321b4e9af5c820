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

    [Fact]
    public void Busy_traffic_keeps_one_timer_pending_rather_than_one_per_event()
    {
        // A byte every 10 ms for a minute: 6,000 events, and the idle count restarts at each of them.
        var time = new Microsoft.Reactive.Testing.TestScheduler();
        var counted = new CountingScheduler(time);
        var traffic = new System.Reactive.Subjects.Subject<long>();
        DateTimeOffset? closedAt = null;
        using var idle = IdleDisconnect.Source(traffic, counted).Subscribe(_ => closedAt = time.Now);
        for (var i = 0; i < 6_000; i++)
        {
            time.AdvanceBy(TimeSpan.FromMilliseconds(10).Ticks);
            traffic.OnNext(1);
        }
        var last = time.Now;
        time.AdvanceBy(TimeSpan.FromMinutes(1).Ticks);

        Assert.Equal(last + IdleDisconnect.Limit, closedAt);
        // The first timer, one more for each 30 s the traffic outlived, and the last wait: not 6,000.
        Assert.InRange(counted.Scheduled, 1, 4);
    }

    private sealed class CountingScheduler(System.Reactive.Concurrency.IScheduler inner) : System.Reactive.Concurrency.IScheduler
    {
        public int Scheduled { get; private set; }
        public DateTimeOffset Now => inner.Now;

        public IDisposable Schedule<TState>(TState state, Func<System.Reactive.Concurrency.IScheduler, TState, IDisposable> action)
        {
            Scheduled++;
            return inner.Schedule(state, (_, s) => action(this, s));
        }

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<System.Reactive.Concurrency.IScheduler, TState, IDisposable> action)
        {
            Scheduled++;
            return inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<System.Reactive.Concurrency.IScheduler, TState, IDisposable> action)
        {
            Scheduled++;
            return inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }
    }
}
