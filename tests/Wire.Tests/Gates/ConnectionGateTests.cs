using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;
using Spotify.Rx.Streams.Gates;

namespace Spotify.Rx.Wire.Tests.Gates;

public class ConnectionGateTests : ReactiveTest
{
    [Fact]
    public void Sixty_first_connection_is_refused_with_a_reason()
    {
        var gate = new ConnectionGate();
        var leases = Enumerable.Range(0, 60).Select(i => gate.TryOpen(out _)).ToList();
        Assert.All(leases, Assert.NotNull);

        var refused = gate.TryOpen(out var reason);

        Assert.Null(refused);
        Assert.Contains("limit", reason);
        Assert.Equal(60, gate.Open);
    }

    [Fact]
    public void Closing_a_connection_makes_room_for_the_next()
    {
        var gate = new ConnectionGate(limit: 2);
        var first = gate.TryOpen(out _)!;
        gate.TryOpen(out _);
        Assert.Null(gate.TryOpen(out _));

        first.Dispose();
        first.Dispose();

        Assert.NotNull(gate.TryOpen(out var reason));
        Assert.Null(reason);
        Assert.Equal(2, gate.Open);
    }

    [Fact]
    public void Open_count_follows_opens_and_closes_tick_for_tick()
    {
        var scheduler = new TestScheduler();
        var gate = new ConnectionGate(limit: 2);
        var counts = scheduler.CreateObserver<int>();
        IDisposable? a = null;
        scheduler.ScheduleAbsolute(100, () => gate.OpenCount.Subscribe(counts));
        scheduler.ScheduleAbsolute(200, () => a = gate.TryOpen(out _));
        scheduler.ScheduleAbsolute(300, () => gate.TryOpen(out _));
        scheduler.ScheduleAbsolute(400, () => gate.TryOpen(out _));
        scheduler.ScheduleAbsolute(500, () => a!.Dispose());

        scheduler.Start();

        counts.Messages.AssertEqual(
            OnNext(100, 0),
            OnNext(200, 1),
            OnNext(300, 2),
            OnNext(500, 1));
    }
}
