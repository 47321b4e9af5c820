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

        var fired = new TaskCompletionSource();
        var cancelled = 0;
        loop.Schedule(TimeSpan.FromMilliseconds(5), () => fired.SetResult());
        loop.Schedule(TimeSpan.FromMilliseconds(1), () => cancelled++).Dispose();
        await fired.Task.WaitAsync(Bound);
        Assert.Equal(0, cancelled);
    }
}
