using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;

namespace Spotify.Rx.Client.Tests.Engine;

public class ClientLoopTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Work_runs_one_item_at_a_time_in_the_order_it_was_queued_from_many_threads()
    {
        var loop = new ClientLoop(e => throw e);
        var seen = new List<(int Thread, int Item)>();
        var inside = 0;
        var overlaps = 0;
        var done = new TaskCompletionSource();
        const int PerThread = 2_000;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                var item = i;
                loop.Schedule(() =>
                {
                    if (Interlocked.Increment(ref inside) > 1) overlaps++;
                    seen.Add((t, item));
                    if (seen.Count == 4 * PerThread) done.SetResult();
                    Interlocked.Decrement(ref inside);
                });
            }
        })));
        await done.Task.WaitAsync(Bound);
        Assert.Equal(0, overlaps);
        foreach (var thread in seen.GroupBy(s => s.Thread))
            Assert.Equal(Enumerable.Range(0, PerThread), thread.Select(s => s.Item));
    }

    [Fact]
    public async Task A_periodic_tick_and_a_timer_come_back_on_the_loop_and_stop_when_disposed()
    {
        var loop = new ClientLoop(e => throw e);
        var ticks = await Observable.Interval(TimeSpan.FromMilliseconds(5), loop).Take(5).ToArray().ToTask().WaitAsync(Bound);
        Assert.Equal([0L, 1, 2, 3, 4], ticks);
        Assert.NotNull(((IServiceProvider)loop).GetService(typeof(ISchedulerPeriodic)));

        // The cancelled item is disposed long before it is due (a 1 ms item could fire while a loaded machine
        // kept this thread from disposing it: that raced); the loop is serial, so once the later item has
        // run, the cancelled one would have run before it.
        var fired = new TaskCompletionSource();
        var cancelled = 0;
        loop.Schedule(TimeSpan.FromMilliseconds(150), () => cancelled++).Dispose();
        loop.Schedule(TimeSpan.FromMilliseconds(300), () => fired.SetResult());
        await fired.Task.WaitAsync(Bound);
        Assert.Equal(0, cancelled);
    }

    [Fact]
    public async Task Delayed_work_whose_handle_nobody_keeps_still_runs_after_a_garbage_collection()
    {
        // The engine schedules its backoffs and deadlines and drops the handle; the loop alone must keep
        // their timers alive, or a collection silently cancels them (a retry that never comes).
        var loop = new ClientLoop(e => throw e);
        var fired = new TaskCompletionSource();
        ScheduleAndForget(loop, TimeSpan.FromMilliseconds(200), fired);
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        await fired.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_periodic_tick_whose_handle_nobody_keeps_goes_on_after_a_garbage_collection()
    {
        var loop = new ClientLoop(e => throw e);
        var ticks = 0;
        var tenth = new TaskCompletionSource();
        StartAndForget(loop, () => { if (Interlocked.Increment(ref ticks) == 10) tenth.SetResult(); });
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        await tenth.Task.WaitAsync(Bound);
    }

    // Not inlined, so no local of the test method holds the handle while the collector runs.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ScheduleAndForget(ClientLoop loop, TimeSpan due, TaskCompletionSource fired) =>
        _ = loop.Schedule(due, () => fired.TrySetResult());

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void StartAndForget(ClientLoop loop, Action tick) =>
        _ = loop.SchedulePeriodic(0, TimeSpan.FromMilliseconds(20), n => { tick(); return n; });

    [Fact]
    public async Task Delayed_work_never_runs_before_the_loops_clock_reaches_its_time()
    {
        var loop = new ClientLoop(e => throw e);
        var early = new List<TimeSpan>();
        var pending = 200;
        var done = new TaskCompletionSource();
        for (var i = 0; i < 200; i++)
        {
            var due = TimeSpan.FromMilliseconds(1 + i % 23) + TimeSpan.FromTicks(i * 997 % 10_000);
            var at = loop.Now + due;
            loop.Schedule(due, () =>
            {
                if (loop.Now < at) early.Add(at - loop.Now);
                if (--pending == 0) done.SetResult();
            });
        }
        await done.Task.WaitAsync(Bound);
        Assert.Empty(early);
    }
}
