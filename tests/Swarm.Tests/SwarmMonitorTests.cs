using System.Net;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using Spotify.Rx.Client;
using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Tests;

public class SwarmMonitorTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1), Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public void The_overlay_counts_as_up_once_the_connection_count_has_stood_still_for_the_quiet_time()
    {
        var time = new TestScheduler();
        using var monitor = new SwarmMonitor();
        var a = new StatusClient("a");
        var b = new StatusClient("b");
        monitor.Watch(a);
        monitor.Watch(b);
        int? settled = null;
        long settledAt = 0;
        using var watching = monitor.OverlaySettled(Quiet, Bound, time).Subscribe(n => (settled, settledAt) = (n, time.Clock));

        // Links come up over 1.55 s, with a pause of 0.8 s (shorter than the quiet time) between two of them.
        time.Schedule(TimeSpan.FromMilliseconds(250), () => a.Connections(2));
        time.Schedule(TimeSpan.FromMilliseconds(750), () => b.Connections(1));
        time.Schedule(TimeSpan.FromMilliseconds(1550), () => b.Connections(2));
        time.AdvanceBy(TimeSpan.FromMilliseconds(2400).Ticks);
        Assert.Null(settled);

        time.AdvanceBy(TimeSpan.FromMilliseconds(200).Ticks);
        Assert.Equal(4, settled);
        // Seen at the first read after the last link (1.6 s), then a second with no change.
        Assert.Equal(TimeSpan.FromMilliseconds(2600).Ticks, settledAt);
    }

    [Fact]
    public void A_count_that_never_stands_still_is_taken_as_it_is_at_the_bound()
    {
        var time = new TestScheduler();
        using var monitor = new SwarmMonitor();
        var a = new StatusClient("a");
        monitor.Watch(a);
        int? settled = null;
        using var watching = monitor.OverlaySettled(Quiet, Bound, time).Subscribe(n => settled = n);
        for (var i = 1; i <= 39; i++)
        {
            var count = i;
            time.Schedule(TimeSpan.FromMilliseconds(500 * i), () => a.Connections(count));
        }

        time.AdvanceBy((Bound - TimeSpan.FromMilliseconds(1)).Ticks);
        Assert.Null(settled);
        time.AdvanceBy(TimeSpan.FromMilliseconds(1).Ticks);
        Assert.Equal(39, settled);
    }

    /// <summary>A client whose only news is its connection count.</summary>
    private sealed class StatusClient(string peerId) : ISwarmClient
    {
        public string PeerId => peerId;
        public IPEndPoint Endpoint { get; } = new(IPAddress.Loopback, 1);
        public PeerStatus Status { get; private set; } = PeerStatus.Idle(peerId);
        public IObservable<PlayReport> Plays => Observable.Never<PlayReport>();
        public void Connections(int count) => Status = Status with { Connections = count };
        public Task PlayAsync(IReadOnlyList<PlaylistEntry> playlist, CancellationToken ct) => Task.CompletedTask;
        public void AddNeighbour(IPEndPoint peer) { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
