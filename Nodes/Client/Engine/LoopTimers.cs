using System.Collections.Concurrent;

namespace Spotify.Rx.Client;

/// <summary>
/// The delayed work of every client loop in the process, in one heap ordered by due time, behind one
/// runtime timer set for the earliest. Hundreds of clients in one process each keep a few short
/// timers (the playhead's next moment, backoffs, deadlines); as runtime timers they all sat in the
/// runtime's list of near timers, which it walks whenever any of them fires (500 clients at 4x: 4 %
/// of the process's CPU in that walk alone, docs/MEASUREMENTS.md).
/// No lock: whoever adds an entry or is woken by the timer takes the heap if nobody has it
/// (one at a time, like a client loop's drain), moves the new entries in, hands what is due to its
/// loop and sets the timer for what is left. A cancelled entry stays in the heap until it would
/// have been due and is dropped then.
/// </summary>
internal sealed class LoopTimers
{
    /// <summary>The process's one instance: the point is that the loops share it.</summary>
    public static LoopTimers Shared { get; } = new();

    private readonly ConcurrentQueue<IEntry> _incoming = new();
    private readonly PriorityQueue<IEntry, long> _heap = new();
    private readonly Timer _timer;
    private int _busy;
    private int _pending;
    private int _rang;

    // Touched only by whoever holds _busy.
    private long _armedFor = long.MaxValue;

    public LoopTimers()
    {
        _timer = new Timer(static t => ((LoopTimers)t!).Ring(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>An entry of the heap: its due time in UTC ticks, whether it was cancelled, and what it does when due.</summary>
    public interface IEntry
    {
        long DueTicks { get; }

        bool Cancelled { get; }

        void Fire();
    }

    /// <summary>Entries waiting, cancelled ones included until their time: for tests.</summary>
    internal int Count => _heap.Count + _incoming.Count;

    public void Add(IEntry entry)
    {
        _incoming.Enqueue(entry);
        Poke();
    }

    private void Ring()
    {
        Volatile.Write(ref _rang, 1);
        Poke();
    }

    private void Poke()
    {
        Volatile.Write(ref _pending, 1);
        // A poke that finds the heap taken leaves _pending set; the holder looks again after letting go,
        // so neither a new entry nor a timer's wake-up is lost.
        while (Volatile.Read(ref _pending) == 1 && Interlocked.CompareExchange(ref _busy, 1, 0) == 0)
        {
            Interlocked.Exchange(ref _pending, 0);
            try { Turn(); }
            finally { Interlocked.Exchange(ref _busy, 0); }
        }
    }

    private void Turn()
    {
        // A timer that has rung is no longer set, whoever holds the heap when it rings.
        if (Interlocked.Exchange(ref _rang, 0) == 1) _armedFor = long.MaxValue;

        while (_incoming.TryDequeue(out var added))
        {
            if (!added.Cancelled) _heap.Enqueue(added, added.DueTicks);
        }

        var now = DateTimeOffset.UtcNow.UtcTicks;
        while (_heap.TryPeek(out var first, out var due) && (due <= now || first.Cancelled))
        {
            _heap.Dequeue();
            if (!first.Cancelled) first.Fire();
        }

        var next = _heap.TryPeek(out _, out var at) ? at : long.MaxValue;
        if (next == _armedFor) return;
        _armedFor = next;
        if (next == long.MaxValue)
        {
            _timer.Change(Timeout.Infinite, Timeout.Infinite);
            return;
        }
        // The runtime counts whole milliseconds on a clock of its own and may wake a little early:
        // then the entry is not due yet and the timer is set again for what is left.
        var milliseconds = Math.Max(1, (long)Math.Ceiling((next - now) / (double)TimeSpan.TicksPerMillisecond));
        _timer.Change(milliseconds, Timeout.Infinite);
    }
}
