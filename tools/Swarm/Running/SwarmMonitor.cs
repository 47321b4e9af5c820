using Spotify.Rx.Client;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reactive.Linq;
using Spotify.Rx.Swarm.Report;

namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// Watches every client of a run: keeps each one's latest status, collects the finished plays and
/// takes a sample of the whole swarm whenever asked (the live view's refresh asks at 4 Hz).
/// </summary>
public sealed class SwarmMonitor : IDisposable
{
    private readonly ConcurrentDictionary<string, PeerStatus> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PlayReport> _plays = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly List<SwarmSample> _samples = [];
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Watch(ISwarmClient client)
    {
        _latest[client.PeerId] = PeerStatus.Idle(client.PeerId);
        lock (_gate)
        {
            _subscriptions.Add(client.Status.Subscribe(s => _latest[s.PeerId] = s, e => Fail(client.PeerId, e)));
            _subscriptions.Add(client.Plays.Subscribe(_plays.Enqueue, e => Fail(client.PeerId, e)));
        }
    }

    /// <summary>Every client's latest status, in peer order.</summary>
    public IReadOnlyList<PeerStatus> Clients =>
        _latest.Values.OrderBy(s => s.PeerId, StringComparer.Ordinal).ToList();

    public IReadOnlyList<PlayReport> Plays => _plays.ToArray();

    /// <summary>Clients that stopped listening because something failed, with the reason.</summary>
    public IReadOnlyList<string> Failures => _failures.ToArray();

    public void Fail(string peerId, Exception error) => Fail(peerId, $"{error.GetType().Name}: {error.Message}");

    public void Fail(string peerId, string reason) => _failures.Enqueue($"{peerId}: {reason}");

    public IReadOnlyList<SwarmSample> Samples
    {
        get { lock (_gate) return _samples.ToList(); }
    }

    public SwarmSample Sample()
    {
        var sample = SwarmSampler.Aggregate(_clock.Elapsed, Clients);
        lock (_gate) _samples.Add(sample);
        return sample;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var s in _subscriptions) s.Dispose();
            _subscriptions.Clear();
        }
    }
}
