using System.Net;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;
using Spotify.Rx.Client.Cache;
using Spotify.Rx.Client.Http;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Wire;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Wire.Protocol;

namespace Spotify.Rx.Client.Tests.Engine;

/// <summary>
/// A whole client engine on a <see cref="TestScheduler"/> over in-memory transports: a server with a
/// latency and a byte rate that can be taken down, a tracker, and peers with their own rate that
/// can hold back, say MISSING or go away. Every delivery is work on the scheduler, so a test runs
/// the client's rules end to end in virtual time, to the tick.
/// </summary>
internal sealed class VirtualSwarm
{
    public TestScheduler Time { get; } = new();
    public FakeServer Server { get; }
    public FakeTracker Tracker { get; }
    public FakeOverlay Overlay { get; }
    public ClientServices Services { get; }
    public ClientNode Client { get; }
    public List<RuleEvent> Events { get; } = [];
    public IReadOnlyDictionary<string, (TrackManifest Manifest, byte[] Bytes)> Tracks { get; }

    /// <param name="timersEarly">
    /// How much earlier than asked the engine's timers fire: a live timer may come a little before the
    /// clock reaches its time, and the engine must not depend on it coming after.
    /// </param>
    public VirtualSwarm(IReadOnlyDictionary<string, (TrackManifest, byte[])> tracks, TimeSpan timersEarly = default)
    {
        // Start well after the scheduler's zero, so "now" minus a duration is a valid time.
        Time.AdvanceTo(TimeSpan.FromHours(1).Ticks);
        Tracks = tracks;
        Server = new FakeServer(Time, tracks);
        Overlay = new FakeOverlay(Time);
        Tracker = new FakeTracker(Time);
        var cache = new TrackCache(Time, CachePolicy.Lru);
        var events = new RuleEvents(Time, NullLogger.Instance);
        IScheduler loop = timersEarly > TimeSpan.Zero ? new EarlyTimers(Time, timersEarly) : Time;
        Services = new ClientServices(loop, Server, Tracker, Overlay, new ServableTracks(cache), events, NullLogger.Instance, 1.0);
        events.OnLoop.Subscribe(Events.Add);
        Client = ClientNode.Create(Services);
    }

    public static async Task<VirtualSwarm> CreateAsync(TimeSpan timersEarly = default)
    {
        var library = await Testing.TestLibrary.GetAsync();
        var tracks = new Dictionary<string, (TrackManifest, byte[])>();
        foreach (var t in library.Tracks) tracks[t.Id] = (t, await File.ReadAllBytesAsync(library.AudioPath(t.Id)));
        return new VirtualSwarm(tracks, timersEarly);
    }

    public DateTimeOffset Now => Time.Now;

    public void Run(TimeSpan span) => Time.AdvanceBy(span.Ticks);

    /// <summary>Runs until <paramref name="done"/> holds, at most <paramref name="limit"/> of virtual time.</summary>
    public void RunUntil(Func<bool> done, TimeSpan limit)
    {
        var end = Time.Clock + limit.Ticks;
        while (!done() && Time.Clock < end) Time.AdvanceBy(TimeSpan.FromMilliseconds(1).Ticks);
        Assert.True(done(), $"not reached within {limit.TotalSeconds} s of virtual time");
    }

    public T[] Of<T>() where T : RuleEvent => Events.OfType<T>().ToArray();

    public FakePeer AddPeer(string peerId, double bytesPerSecond, params string[] trackIds)
    {
        var peer = new FakePeer(peerId, bytesPerSecond, trackIds.ToDictionary(id => id, id => Tracks[id].Bytes));
        Overlay.Peers[peerId] = peer;
        foreach (var id in trackIds) Tracker.Add(id, peerId, Overlay.EndpointOf(peerId));
        return peer;
    }
}

internal sealed record ServerRequest(DateTimeOffset At, string TrackId, long Start, long End, bool Failed);

internal sealed class FakeServer(TestScheduler time, IReadOnlyDictionary<string, (TrackManifest Manifest, byte[] Bytes)> tracks) : ITrackServer
{
    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(20);
    public double BytesPerSecond { get; set; } = 2_000_000;
    public bool Down { get; set; }
    /// <summary>
    /// What a request cancelled in flight fails with; null: a plain cancellation. An HTTP library may
    /// wrap it in an error of its own (Flurl: "Call failed. The operation was canceled").
    /// </summary>
    public Func<Exception>? CancelledAs { get; set; }
    public List<ServerRequest> Ranges { get; } = [];

    public Task<TrackManifest> ManifestAsync(string trackId, CancellationToken ct) => Deliver(() => tracks[trackId].Manifest, Latency, ct);

    /// <summary>
    /// After <see cref="Latency"/> the parts arrive at <see cref="BytesPerSecond"/>, each when its last
    /// byte would have; a server that is down refuses after the latency.
    /// </summary>
    public Task RangeAsync(string trackId, long start, long end, int partBytes, RangePart part, CancellationToken ct)
    {
        var down = Down;
        Ranges.Add(new ServerRequest(time.Now, trackId, start, end, down));
        if (down) return Deliver<bool>(() => throw new HttpRequestException("the server is down"), Latency, ct);
        var bytes = tracks[trackId].Bytes;
        var done = new TaskCompletionSource<bool>();
        var parts = new CompositeDisposable();
        for (var offset = start; offset < end; offset += partBytes)
        {
            var (from, to) = (offset, Math.Min(end, offset + partBytes));
            parts.Add(time.Schedule(Latency + TimeSpan.FromSeconds((to - start) / BytesPerSecond), () =>
            {
                part(from, bytes.AsSpan((int)from, (int)(to - from)));
                if (to == end) done.TrySetResult(true);
            }));
        }
        return Cancellable(done, parts, ct);
    }

    private Task<T> Deliver<T>(Func<T> result, TimeSpan after, CancellationToken ct)
    {
        var done = new TaskCompletionSource<T>();
        var work = time.Schedule(after, () =>
        {
            try { done.TrySetResult(result()); }
            catch (Exception e) { done.TrySetException(e); }
        });
        return Cancellable(done, work, ct);
    }

    /// <summary>A cancelled request drops its pending work and fails as <see cref="CancelledAs"/> says.</summary>
    private Task<T> Cancellable<T>(TaskCompletionSource<T> done, IDisposable work, CancellationToken ct)
    {
        ct.Register(() =>
        {
            work.Dispose();
            if (CancelledAs is { } error) done.TrySetException(error());
            else done.TrySetCanceled(ct);
        });
        return done.Task;
    }
}

internal sealed class FakeTracker(TestScheduler time) : IPeerDirectory
{
    private readonly Dictionary<string, List<(string, string)>> _peers = [];
    public List<(DateTimeOffset At, string TrackId)> Asked { get; } = [];

    public void Add(string trackId, string peerId, string endpoint)
    {
        if (!_peers.TryGetValue(trackId, out var list)) _peers[trackId] = list = [];
        list.Add((peerId, endpoint));
    }

    public Task<IReadOnlyList<(string PeerId, string Endpoint)>> PeersAsync(string trackId, CancellationToken ct)
    {
        Asked.Add((time.Now, trackId));
        return Task.FromResult<IReadOnlyList<(string, string)>>(_peers.TryGetValue(trackId, out var list) ? list.ToList() : []);
    }
}

internal sealed record PeerFetch(DateTimeOffset At, string PeerId, string TrackId, int Chunk);

internal sealed class FakePeer(string peerId, double bytesPerSecond, Dictionary<string, byte[]> tracks)
{
    public string PeerId => peerId;
    public double BytesPerSecond { get; set; } = bytesPerSecond;
    public Dictionary<string, byte[]> Tracks => tracks;
    /// <summary>Says MISSING to every request (rule 4: its uploads are stopped).</summary>
    public bool Refuses { get; set; }
    public DateTimeOffset BusyUntil { get; set; }
}

internal sealed class FakeOverlay(TestScheduler time) : IOverlayLink
{
    public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(5);
    private readonly HashSet<string> _connected = [];
    public Dictionary<string, FakePeer> Peers { get; } = [];
    public List<PeerFetch> Fetches { get; } = [];
    public List<(DateTimeOffset At, string TrackId)> Searches { get; } = [];

    public string PeerId => "listener";

    public string EndpointOf(string peerId) => new IPEndPoint(IPAddress.Loopback, 20_000 + Peers.Keys.ToList().IndexOf(peerId)).ToString();

    public bool IsConnected(string peerId) => _connected.Contains(peerId);

    /// <summary>Connections this node may hold (the gate's limit).</summary>
    public int Limit { get; set; } = int.MaxValue;

    public List<(DateTimeOffset At, string PeerId)> Dials { get; } = [];

    public bool CanDial => _connected.Count < Limit;

    public Task<string> ConnectAsync(IPEndPoint endpoint, CancellationToken ct)
    {
        var id = Peers.Keys.First(p => EndpointOf(p) == endpoint.ToString());
        Dials.Add((time.Now, id));
        if (!CanDial) return Task.FromException<string>(new PeerConnectException(CloseReason.ConnectionLimit, "connection limit reached"));
        _connected.Add(id);
        return Task.FromResult(id);
    }

    public IObservable<PeerHave> Search(string trackId)
    {
        Searches.Add((time.Now, trackId));
        return Observable.Empty<PeerHave>();
    }

    public Task<ReadOnlyMemory<byte>> FetchChunkAsync(string peerId, TrackManifest manifest, int index, CancellationToken ct)
    {
        Fetches.Add(new PeerFetch(time.Now, peerId, manifest.Id, index));
        var peer = Peers[peerId];
        var done = new TaskCompletionSource<ReadOnlyMemory<byte>>();
        var (start, end) = manifest.ChunkRange(index);
        // One link per peer: a chunk leaves after those before it.
        var leaves = (peer.BusyUntil > time.Now ? peer.BusyUntil : time.Now) + TimeSpan.FromSeconds((end - start) / peer.BytesPerSecond);
        peer.BusyUntil = leaves;
        var work = time.Schedule(leaves + Latency - time.Now, () =>
        {
            if (peer.Refuses || !peer.Tracks.TryGetValue(manifest.Id, out var bytes)) done.TrySetException(new ChunkUnavailableException(peerId, manifest.Id, index));
            else done.TrySetResult(bytes.AsMemory((int)start, (int)(end - start)));
        });
        ct.Register(() => { work.Dispose(); done.TrySetCanceled(ct); });
        return done.Task;
    }
}

/// <summary>The virtual clock, with every delayed piece of work run <c>early</c> before its time.</summary>
internal sealed class EarlyTimers(TestScheduler time, TimeSpan early) : IScheduler
{
    public DateTimeOffset Now => time.Now;

    public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action) =>
        time.Schedule(state, (_, s) => action(this, s));

    public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action) =>
        time.Schedule(state, dueTime > early ? dueTime - early : TimeSpan.Zero, (_, s) => action(this, s));

    public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action) =>
        Schedule(state, dueTime - Now, action);
}
