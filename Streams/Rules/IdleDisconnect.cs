using System.Reactive;
using System.Reactive.Concurrency;
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

        // Subscription is the first sign of life; each later event restarts the one pending timer.
        return traffic
            .Select(_ => Unit.Default)
            .StartWith(Unit.Default)
            .Select(_ => Observable.Timer(limit, scheduler).Select(_ => Unit.Default))
            .Switch()
            .Take(1);
    }
}
