using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;
using Spotify.Rx.Streams.Gates;

namespace Spotify.Rx.Wire.Tests.Gates;

public class DownloadSourcesTests : ReactiveTest
{
    [Fact]
    public void A_sixth_peer_is_refused_while_five_are_downloaded_from()
    {
        var sources = new DownloadSources();
        foreach (var peer in new[] { "a", "b", "c", "d", "e" }) Assert.NotNull(sources.TryAcquire(peer, out _));

        var sixth = sources.TryAcquire("f", out var reason);

        Assert.Null(sixth);
        Assert.Contains("5", reason);
    }

    [Fact]
    public void A_peer_already_downloaded_from_may_be_asked_for_more()
    {
        var sources = new DownloadSources(limit: 1);
        var first = sources.TryAcquire("a", out _)!;

        var second = sources.TryAcquire("a", out var reason);
        first.Dispose();

        Assert.NotNull(second);
        Assert.Null(reason);
        Assert.Null(sources.TryAcquire("b", out _));
        second!.Dispose();
        Assert.NotNull(sources.TryAcquire("b", out _));
    }

    [Fact]
    public void Active_sources_change_when_a_peer_gains_its_first_or_loses_its_last_lease()
    {
        var scheduler = new TestScheduler();
        var sources = new DownloadSources(limit: 2);
        var active = scheduler.CreateObserver<string>();
        IDisposable? a1 = null, a2 = null;
        scheduler.ScheduleAbsolute(10, () => sources.Active.Subscribe(s => active.OnNext(string.Join(",", s))));
        scheduler.ScheduleAbsolute(100, () => a1 = sources.TryAcquire("a", out _));
        scheduler.ScheduleAbsolute(200, () => a2 = sources.TryAcquire("a", out _));
        scheduler.ScheduleAbsolute(300, () => sources.TryAcquire("b", out _));
        scheduler.ScheduleAbsolute(400, () => sources.TryAcquire("c", out _));
        scheduler.ScheduleAbsolute(500, () => a1!.Dispose());
        scheduler.ScheduleAbsolute(600, () => a2!.Dispose());

        scheduler.Start();

        active.Messages.AssertEqual(
            OnNext(10, ""),
            OnNext(100, "a"),
            OnNext(300, "a,b"),
            OnNext(600, "b"));
    }
}
