using Spotify.Rx.Client;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Spotify.Rx.Swarm.Report;

namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// Watches every client of a run: reads each one's status whenever it takes a sample of the whole
/// swarm (the live view's refresh asks at 4 Hz), keeps the latest, and collects the finished plays.
/// </summary>
public sealed class SwarmMonitor : IDisposable
{
    private readonly ConcurrentDictionary<string, PeerStatus> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ISwarmClient> _watched = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FinishedPlay> _plays = new();
    private readonly ConcurrentQueue<SwarmEvent> _events = new();
    private readonly ConcurrentDictionary<string, bool> _left = new(StringComparer.Ordinal);
    private readonly List<ClientSample> _clientSamples = [];
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly List<SwarmSample> _samples = [];
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Starts the run's clock again: every time in the observations counts from here.</summary>
    public void Begin() => _clock.Restart();

    /// <summary>The clients' overlay connections now.</summary>
    public int CountConnections()
    {
        RefreshAll();
        return _latest.Values.Sum(s => s.Connections);
    }

    /// <summary>
    /// The connection count once the overlay links made as the clients joined are up: the count has
    /// not moved for <paramref name="quiet"/> (read every 100 ms), or <paramref name="bound"/> has
    /// passed. The clients there from the start are measured once they have joined, as a running
    /// system is: hundreds of joins in the same second are the run's setup, and their handshakes would
    /// otherwise land on the first plays.
    /// </summary>
    public IObservable<int> OverlaySettled(TimeSpan quiet, TimeSpan bound, IScheduler scheduler) =>
        Observable.Interval(TimeSpan.FromMilliseconds(100), scheduler)
            .Select(_ => CountConnections())
            .StartWith(CountConnections())
            .DistinctUntilChanged()
            .Throttle(quiet, scheduler)
            .Amb(Observable.Timer(bound, scheduler).Select(_ => CountConnections()))
            .Take(1);

    public void Watch(ISwarmClient client)
    {
        _latest[client.PeerId] = PeerStatus.Idle(client.PeerId);
        _watched[client.PeerId] = client;
        Event(client.PeerId, "join", client.Endpoint.ToString());
        lock (_gate)
        {
            _subscriptions.Add(client.Plays.Subscribe(p => _plays.Enqueue(new FinishedPlay(_clock.Elapsed, p)), e => Fail(client.PeerId, e)));
        }
    }

    /// <summary>
    /// Takes the client's status now. The last sample's may be up to 250 ms old, older than the client's last
    /// play report, and the client's own counters must hold every byte of the plays it reported.
    /// </summary>
    public void Refresh(ISwarmClient client) => Read(client);

    private void RefreshAll()
    {
        foreach (var client in _watched.Values) Read(client);
    }

    private void Read(ISwarmClient client)
    {
        try
        {
            Update(client.Status);
        }
        catch (Exception e)
        {
            // Said once, not at every sample: the client is no longer read.
            if (_watched.TryRemove(client.PeerId, out _)) Fail(client.PeerId, e);
        }
    }

    /// <summary>A client left the swarm: its last counters stay (they are what it received), its state says it is gone.</summary>
    public void Left(string peerId)
    {
        _left[peerId] = true;
        _watched.TryRemove(peerId, out _);
        if (_latest.TryGetValue(peerId, out var last)) _latest[peerId] = last with { State = PeerStatus.LeftState, TrackId = null, BufferAhead = TimeSpan.Zero, Connections = 0, Uploads = 0, DownloadSources = 0 };
        Event(peerId, "leave", "");
    }

    private void Update(PeerStatus status)
    {
        // A node may still publish while it stops; the swarm has already counted it out.
        if (_left.ContainsKey(status.PeerId)) return;
        var before = _latest.GetValueOrDefault(status.PeerId);
        _latest[status.PeerId] = status;
        // A snapshot carries the client's latest rule event; a new line is a new event.
        if (status.LastEvent is { } line && line != before?.LastEvent) Event(status.PeerId, "rule", line);
    }

    private void Event(string peerId, string kind, string detail) => _events.Enqueue(new SwarmEvent(_clock.Elapsed, peerId, kind, detail));

    /// <summary>What the run observed so far, as plain data.</summary>
    public SwarmObservations Observations
    {
        get
        {
            lock (_gate) return new SwarmObservations(_plays.ToArray(), _clientSamples.ToList(), _events.OrderBy(e => e.At).ToList());
        }
    }

    /// <summary>Every client's latest status, in peer order.</summary>
    public IReadOnlyList<PeerStatus> Clients =>
        _latest.Values.OrderBy(s => s.PeerId, StringComparer.Ordinal).ToList();

    public IReadOnlyList<PlayReport> Plays => _plays.Select(p => p.Play).ToArray();

    /// <summary>Clients that stopped listening because something failed, with the reason.</summary>
    public IReadOnlyList<string> Failures => _failures.ToArray();

    public void Fail(string peerId, Exception error) => Fail(peerId, $"{error.GetType().Name}: {error.Message}");

    public void Fail(string peerId, string reason)
    {
        _failures.Enqueue($"{peerId}: {reason}");
        Event(peerId, "failure", reason);
    }

    public IReadOnlyList<SwarmSample> Samples
    {
        get { lock (_gate) return _samples.ToList(); }
    }

    public SwarmSample Sample()
    {
        RefreshAll();
        var at = _clock.Elapsed;
        var clients = Clients;
        var sample = SwarmSampler.Aggregate(at, clients);
        lock (_gate)
        {
            _samples.Add(sample);
            _clientSamples.AddRange(clients.Where(c => c.State != PeerStatus.LeftState).Select(c => SwarmSampler.Of(at, c)));
        }
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
