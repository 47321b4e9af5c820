using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;
using Spotify.Rx.Streams.Gates;

namespace Spotify.Rx.Wire.Tests.Gates;

public class UploadSlotsTests : ReactiveTest
{
    [Fact]
    public void Four_requests_are_granted_at_once_and_the_fifth_waits()
    {
        var scheduler = new TestScheduler();
        var slots = new UploadSlots();
        var grants = Enumerable.Range(0, 5).Select(_ => scheduler.CreateObserver<IDisposable>()).ToArray();
        for (var i = 0; i < 5; i++)
        {
            var observer = grants[i];
            scheduler.ScheduleAbsolute(100 + 10 * i, () => slots.Request().Subscribe(observer));
        }

        scheduler.Start();

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal([100 + 10 * i, 100 + 10 * i], grants[i].Messages.Select(m => m.Time));
        }
        Assert.Empty(grants[4].Messages);
        Assert.Equal(new UploadSlotsState(4, 1), slots.Current);
    }

    [Fact]
    public void Fifth_uploader_waits_for_the_first_free_slot_and_waiters_are_served_in_arrival_order()
    {
        var scheduler = new TestScheduler();
        var slots = new UploadSlots();
        var held = new List<IDisposable>();
        for (var i = 0; i < 4; i++) slots.Request().Subscribe(held.Add);
        var fifth = scheduler.CreateObserver<IDisposable>();
        var sixth = scheduler.CreateObserver<IDisposable>();
        scheduler.ScheduleAbsolute(100, () => slots.Request().Subscribe(fifth));
        scheduler.ScheduleAbsolute(110, () => slots.Request().Subscribe(sixth));
        scheduler.ScheduleAbsolute(300, () => held[2].Dispose());
        scheduler.ScheduleAbsolute(400, () => held[0].Dispose());

        scheduler.Start();

        Assert.Equal([300L, 300L], fifth.Messages.Select(m => m.Time));
        Assert.Equal([400L, 400L], sixth.Messages.Select(m => m.Time));
        Assert.Equal(new UploadSlotsState(4, 0), slots.Current);
    }

    [Fact]
    public void A_cancelled_request_leaves_the_queue_and_is_never_granted()
    {
        var scheduler = new TestScheduler();
        var slots = new UploadSlots(slots: 1);
        IDisposable? lease = null;
        slots.Request().Subscribe(l => lease = l);
        var cancelled = scheduler.CreateObserver<IDisposable>();
        var patient = scheduler.CreateObserver<IDisposable>();
        IDisposable? waiting = null;
        scheduler.ScheduleAbsolute(100, () => waiting = slots.Request().Subscribe(cancelled));
        scheduler.ScheduleAbsolute(110, () => slots.Request().Subscribe(patient));
        scheduler.ScheduleAbsolute(200, () => waiting!.Dispose());
        scheduler.ScheduleAbsolute(300, () => lease!.Dispose());

        scheduler.Start();

        Assert.Empty(cancelled.Messages);
        Assert.Equal([300L, 300L], patient.Messages.Select(m => m.Time));
    }

    [Fact]
    public void State_reports_slots_in_use_and_requests_queued_tick_for_tick()
    {
        var scheduler = new TestScheduler();
        var slots = new UploadSlots(slots: 1);
        var state = scheduler.CreateObserver<UploadSlotsState>();
        IDisposable? first = null;
        IDisposable? second = null;
        scheduler.ScheduleAbsolute(50, () => slots.State.Subscribe(state));
        scheduler.ScheduleAbsolute(100, () => slots.Request().Subscribe(l => first = l));
        scheduler.ScheduleAbsolute(200, () => slots.Request().Subscribe(l => second = l));
        scheduler.ScheduleAbsolute(300, () => first!.Dispose());
        scheduler.ScheduleAbsolute(400, () => second!.Dispose());

        scheduler.Start();

        state.Messages.AssertEqual(
            OnNext(50, new UploadSlotsState(0, 0)),
            OnNext(100, new UploadSlotsState(1, 0)),
            OnNext(200, new UploadSlotsState(1, 1)),
            OnNext(300, new UploadSlotsState(1, 0)),
            OnNext(400, new UploadSlotsState(0, 0)));
    }

    [Fact]
    public void Releasing_a_lease_twice_frees_only_one_slot()
    {
        var slots = new UploadSlots(slots: 2);
        IDisposable? lease = null;
        slots.Request().Subscribe(l => lease = l);
        slots.Request().Subscribe(_ => { });

        lease!.Dispose();
        lease.Dispose();

        Assert.Equal(new UploadSlotsState(1, 0), slots.Current);
    }
}
