using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Spotify.Rx.Streams.Rules;

/// <summary>
/// Rule 6, idle disconnect: a peer connection over which no byte has passed, in either
/// direction, for 30 s is closed. There are no application-level pings, so the traffic itself
/// is the only sign of life.
/// </summary>
public static class IdleDisconnect
{
    /// <summary>The idle time after which a peer connection is closed (docs/ARCHITECTURE.md rule 6).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Emits one <see cref="Unit"/> and completes once <paramref name="traffic"/> has been silent
    /// for <paramref name="idle"/> (default <see cref="Limit"/>), counted from subscription or
    /// from its last event. Each event of <paramref name="traffic"/> is a count of bytes that
    /// passed in either direction; any event restarts the count, so report only real traffic.
    /// An error of <paramref name="traffic"/> passes through; its completion does not stop the
    /// count, because a closed source is as silent as an idle one.
    /// </summary>
    public static IObservable<Unit> Source(IObservable<long> traffic, IScheduler scheduler, TimeSpan? idle = null)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        ArgumentNullException.ThrowIfNull(scheduler);
        var limit = idle ?? Limit;
        if (limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(idle), idle, "The idle limit must be positive.");
        }

        // Subscription is the first sign of life; an event only notes when it came. One timer is pending
        // at a time, due when the silence would reach the limit, and when it fires it looks at the last
        // event: silent long enough, the connection is idle; else it waits out what is left. A timer per
        // event (Throttle's way) cost a timer created and cancelled for every read and write of every
        // connection.
        return Observable.Create<Unit>(observer =>
        {
            var last = scheduler.Now.UtcTicks;
            var ended = 0;
            var pending = new SerialDisposable();

            void Arm(TimeSpan due) => pending.Disposable = scheduler.Schedule(due, Check);

            void Check()
            {
                // A live timer may fire a little early: then what is left is a moment, and it waits again.
                var silent = scheduler.Now.UtcTicks - Volatile.Read(ref last);
                if (silent < limit.Ticks)
                {
                    Arm(TimeSpan.FromTicks(limit.Ticks - silent));
                    return;
                }
                if (Interlocked.Exchange(ref ended, 1) != 0) return;
                observer.OnNext(Unit.Default);
                observer.OnCompleted();
            }

            Arm(limit);
            var events = traffic.Subscribe(
                _ => Volatile.Write(ref last, scheduler.Now.UtcTicks),
                e =>
                {
                    if (Interlocked.Exchange(ref ended, 1) != 0) return;
                    pending.Dispose();
                    observer.OnError(e);
                },
                () => { });
            return new CompositeDisposable(events, pending);
        });
    }
}
