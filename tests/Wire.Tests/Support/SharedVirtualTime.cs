using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;

namespace Spotify.Rx.Wire.Tests.Support;

/// <summary>
/// Virtual time for nodes whose sockets are real: a <see cref="TestScheduler"/> that the nodes' I/O
/// threads may schedule on and read while the test moves it. Every call holds one lock (a moved
/// clock's due work runs under it, and may schedule more: the lock is re-entrant).
/// </summary>
public sealed class SharedVirtualTime : IScheduler
{
    private readonly TestScheduler _time = new();
    private readonly object _gate = new();

    public SharedVirtualTime()
    {
        // Well after the scheduler's zero, so "now" minus a duration is a valid time.
        _time.AdvanceTo(TimeSpan.FromHours(1).Ticks);
    }

    public DateTimeOffset Now
    {
        get { lock (_gate) return _time.Now; }
    }

    public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_gate) return _time.Schedule(state, (_, s) => action(this, s));
    }

    public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_gate) return _time.Schedule(state, dueTime, (_, s) => action(this, s));
    }

    public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_gate) return _time.Schedule(state, dueTime, (_, s) => action(this, s));
    }

    public void AdvanceBy(TimeSpan span)
    {
        lock (_gate) _time.AdvanceBy(span.Ticks);
    }
}
