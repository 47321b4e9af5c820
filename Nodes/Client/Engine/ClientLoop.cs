using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Spotify.Rx.Client;

/// <summary>
/// The one event loop of a live client: work runs one item at a time, in the order it was
/// queued, on whatever pool thread drains the queue, so the engine's state needs no lock and a
/// client costs no thread of its own (hundreds of clients share the pool). Delayed and periodic work
/// waits in the process's one timer heap (<see cref="LoopTimers"/>) and is queued when due. In tests a
/// <c>TestScheduler</c> takes this place.
/// </summary>
internal sealed class ClientLoop(Action<Exception> failed, LoopTimers? timers = null) : LocalScheduler, ISchedulerPeriodic
{
    // A turn runs at most this many items, then lets the other clients' loops have the pool.
    private const int Turn = 128;

    private readonly ConcurrentQueue<IWork> _queue = new();
    private readonly LoopTimers _timers = timers ?? LoopTimers.Shared;
    private int _draining;

    private interface IWork
    {
        void Run();
    }

    public override IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var work = new Work<TState>(this, state, action);
        var due = Scheduler.Normalize(dueTime);
        if (due == TimeSpan.Zero) Enqueue(work);
        else work.Arm(due);
        return work;
    }

    /// <summary>
    /// One heap entry for the whole period, put back a period on each time it is due: each due tick is
    /// queued once; a tick that comes while the last one still waits in the queue is dropped rather
    /// than piled up.
    /// </summary>
    public IDisposable SchedulePeriodic<TState>(TState state, TimeSpan period, Func<TState, TState> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var work = new Periodic<TState>(this, state, action);
        work.Start(period);
        return work;
    }

    protected override object? GetService(Type serviceType) =>
        serviceType == typeof(ISchedulerPeriodic) ? this : base.GetService(serviceType);

    private void Enqueue(IWork work)
    {
        _queue.Enqueue(work);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static loop => loop.Drain(), this, preferLocal: false);
    }

    private void Drain()
    {
        for (var n = 0; n < Turn && _queue.TryDequeue(out var work); n++)
        {
            try { work.Run(); }
            catch (Exception e) { failed(e); }
        }
        Volatile.Write(ref _draining, 0);
        if (!_queue.IsEmpty && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static loop => loop.Drain(), this, preferLocal: false);
    }

    private sealed class Work<TState>(ClientLoop loop, TState state, Func<IScheduler, TState, IDisposable> action)
        : IWork, LoopTimers.IEntry, IDisposable
    {
        private readonly SingleAssignmentDisposable _result = new();
        private long _dueTicks;
        private int _cancelled;

        public long DueTicks => _dueTicks;

        public bool Cancelled => Volatile.Read(ref _cancelled) != 0;

        public void Arm(TimeSpan due)
        {
            _dueTicks = (loop.Now + due).UtcTicks;
            loop._timers.Add(this);
        }

        public void Fire() => loop.Enqueue(this);

        public void Run()
        {
            if (Cancelled) return;
            _result.Disposable = action(loop, state);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) != 0) return;
            _result.Dispose();
        }
    }

    private sealed class Periodic<TState>(ClientLoop loop, TState state, Func<TState, TState> action)
        : IWork, LoopTimers.IEntry, IDisposable
    {
        // The heap's timer counts whole milliseconds: a shorter period would only make it spin.
        private static readonly long ShortestPeriod = TimeSpan.TicksPerMillisecond;

        private TState _state = state;
        private long _period;
        private long _dueTicks;
        private int _queued;
        private int _cancelled;

        public long DueTicks => _dueTicks;

        public bool Cancelled => Volatile.Read(ref _cancelled) != 0;

        public void Start(TimeSpan period)
        {
            _period = Math.Max(ShortestPeriod, period.Ticks);
            _dueTicks = loop.Now.UtcTicks + _period;
            loop._timers.Add(this);
        }

        // Only the heap's holder calls this, one call at a time: the tick is queued once, and the entry
        // goes back into the heap a period on.
        public void Fire()
        {
            if (Interlocked.Exchange(ref _queued, 1) == 0) loop.Enqueue(this);
            var next = _dueTicks + _period;
            var now = loop.Now.UtcTicks;
            // Late by a whole period or more (a busy machine): the ticks missed are not made up.
            _dueTicks = next > now ? next : now + _period;
            loop._timers.Add(this);
        }

        public void Run()
        {
            Volatile.Write(ref _queued, 0);
            if (!Cancelled) _state = action(_state);
        }

        public void Dispose() => Interlocked.Exchange(ref _cancelled, 1);
    }
}
