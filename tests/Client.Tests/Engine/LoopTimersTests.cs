using System.Collections.Concurrent;

namespace Spotify.Rx.Client.Tests.Engine;

public class LoopTimersTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private sealed class Entry(long dueTicks, Action<Entry> fired) : LoopTimers.IEntry
    {
        public long DueTicks => dueTicks;

        public bool Cancelled { get; set; }

        public long FiredAt { get; private set; }

        public void Fire()
        {
            FiredAt = DateTimeOffset.UtcNow.UtcTicks;
            fired(this);
        }
    }

    [Fact]
    public async Task Entries_added_from_many_threads_each_fire_once_and_never_before_their_time()
    {
        var timers = new LoopTimers();
        var fired = new ConcurrentBag<Entry>();
        var all = new ConcurrentBag<Entry>();
        var left = 4 * 300;
        var done = new TaskCompletionSource();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 300; i++)
            {
                // Dues spread over 0-60 ms with sub-millisecond parts, some already past.
                var due = DateTimeOffset.UtcNow.UtcTicks + (i * 7919 + t * 104_729) % 600_000 - 20_000;
                var entry = new Entry(due, e =>
                {
                    fired.Add(e);
                    if (Interlocked.Decrement(ref left) == 0) done.SetResult();
                });
                all.Add(entry);
                timers.Add(entry);
            }
        })));
        await done.Task.WaitAsync(Bound);
        Assert.Equal(all.Count, fired.Distinct().Count());
        Assert.Equal(all.Count, fired.Count);
        Assert.All(fired, e => Assert.True(e.FiredAt >= e.DueTicks, $"fired {e.DueTicks - e.FiredAt} ticks early"));
        Assert.Equal(0, timers.Count);
    }

    [Fact]
    public async Task A_cancelled_entry_does_not_fire_and_leaves_the_heap_at_its_time()
    {
        var timers = new LoopTimers();
        var now = DateTimeOffset.UtcNow.UtcTicks;
        var cancelledFired = 0;
        var cancelled = new Entry(now + TimeSpan.FromMilliseconds(50).Ticks, _ => cancelledFired++);
        var later = new TaskCompletionSource();
        timers.Add(cancelled);
        timers.Add(new Entry(now + TimeSpan.FromMilliseconds(150).Ticks, _ => later.SetResult()));
        cancelled.Cancelled = true;
        await later.Task.WaitAsync(Bound);
        Assert.Equal(0, cancelledFired);
        Assert.Equal(0, timers.Count);
    }

    [Fact]
    public async Task An_entry_earlier_than_the_one_the_timer_waits_for_fires_at_its_own_time()
    {
        var timers = new LoopTimers();
        var now = DateTimeOffset.UtcNow.UtcTicks;
        var order = new ConcurrentQueue<string>();
        var both = new CountdownEvent(2);
        timers.Add(new Entry(now + TimeSpan.FromSeconds(2).Ticks, _ => { order.Enqueue("late"); both.Signal(); }));
        var early = new Entry(now + TimeSpan.FromMilliseconds(20).Ticks, _ => { order.Enqueue("early"); both.Signal(); });
        timers.Add(early);
        await Task.Run(() => both.Wait(Bound));
        Assert.Equal(["early", "late"], order);
        Assert.True(early.FiredAt - early.DueTicks < TimeSpan.FromSeconds(1).Ticks, "the early entry waited for the late one");
    }
}
