using System.Collections.Immutable;
using System.Net;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spotify.Rx.Client.Cache;
using Spotify.Rx.Client.Http;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Streams;
using Spotify.Rx.Wire;
using Spotify.Rx.Wire.Overlay;

namespace Spotify.Rx.Client;

/// <summary>
/// One client (peer): logged in at the main server, in the overlay, with its cache registered at
/// the tracker, playing playlists by the client rules of docs/ARCHITECTURE.md. Its engine runs on one event loop (a
/// <see cref="ClientLoop"/> live): every input — clock ticks, arrivals from the server and peers,
/// peers found and lost, rule outputs, the user's pause — is handled there, one at a time.
/// Everything it does is visible as observables: <see cref="Snapshots"/> for a view,
/// <see cref="Plays"/> for metrics, <see cref="Events"/> for the rules as they fire.
/// </summary>
public sealed class ClientNode : IAsyncDisposable
{
    private static readonly TimeSpan SnapshotEvery = TimeSpan.FromMilliseconds(200);

    private readonly ClientServices _s;
    private readonly Parts? _parts;
    private readonly Subject<PlayReport> _plays = new();
    private readonly SemaphoreSlim _playing = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private ImmutableList<PlayReport> _reports = ImmutableList<PlayReport>.Empty;
    private volatile TrackPlayback? _current;
    private PlaylistRun? _run;
    // Loop-owned, like _run.
    private bool _userPaused;

    /// <summary>The live parts behind the engine's transports, for the node's own view and its end.</summary>
    private sealed record Parts(ServerClient Server, TrackerClient Tracker, PeerNode Overlay, HttpClient Jwks, CacheRegistrations Registrations, IDisposable SourcesWatch, DiskCache? Disk)
    {
        public int Sources;
    }

    private ClientNode(ClientServices s, Parts? parts)
    {
        _s = s;
        _parts = parts;
    }

    public static async Task<ClientNode> StartAsync(ClientOptions options, IScheduler scheduler, ILoggerFactory? logs = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scheduler);
        if (!TokenClaims.IsValidPeerId(options.PeerId)) throw new ArgumentException($"not a peer id: {options.PeerId}", nameof(options));
        if (!(options.Speed > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.Speed, "the speed factor must be positive");
        if (options.CacheDirectory is not null && options.Cache != CachePolicy.Lru)
            throw new ArgumentException("a cache folder keeps only the LRU cache; the seed's 30 s cache stays in memory", nameof(options));
        var advertised = options.AdvertisedEndpoint is { } named ? await OverlayAddress.ResolveAsync(named, ct) : null;
        var audio = AudioOutputFactory.Parse(options.Sink, options.Speed);
        logs ??= NullLoggerFactory.Instance;
        var log = logs.CreateLogger("Spotify.Rx.Client." + options.PeerId);
        // The engine's one loop. A virtual-time scheduler is a loop already (tests); anything else
        // (the live clock) gets a loop of its own that shares the thread pool with other clients.
        IScheduler loop = IsVirtualTime(scheduler)
            ? scheduler
            : new ClientLoop(e => log.LogError(e, "the client's loop: {Error}", e.Message));

        var server = new ServerClient(options.ServerUrl, options.User, options.Password, options.PeerId, scheduler);
        var token = await server.Auth.TokenAsync(ct);
        // Peers' HELLO tokens are checked against the server's public key, fetched once and kept.
        var jwks = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var validator = new TokenValidator(new JwksKeySource(jwks, new Uri(options.ServerUrl, "/.well-known/jwks.json"), TimeProvider.System), TimeProvider.System);
        // The seed's 30 s are audio time like every rule's: at a speed factor they shrink with it.
        var cache = new TrackCache(scheduler, options.Cache, options.CacheBytes, options.CacheLifetime ?? TrackCache.DefaultLifetime / options.Speed);
        var servable = new ServableTracks(cache);
        var overlay = new PeerNode(new PeerNodeOptions
        {
            Token = token,
            // Every new HELLO asks the login for its token, so connections opened after a renewal carry the new one.
            TokenSource = ct => new ValueTask<string>(server.Auth.TokenAsync(ct)),
            Address = options.ListenAddress,
            Port = options.ListenPort,
            Advertised = advertised,
            // Rule 6's 30 s is audio time like every rule's: at a speed factor the idle limit shrinks with it.
            IdleTimeout = options.IdleTimeout ?? Streams.Rules.IdleDisconnect.Limit / options.Speed,
            MaxConnections = options.MaxConnections ?? Streams.Gates.ConnectionGate.SpotifyLimit,
        }, validator, servable, scheduler,
            logs.CreateLogger<PeerNode>());
        await overlay.StartAsync(ct);
        var tracker = new TrackerClient(options.TrackerUrl, server.Auth);
        var events = new RuleEvents(loop, log);
        var s = new ClientServices(loop, new HttpTrackServer(server), new HttpPeerDirectory(tracker), new WireOverlay(overlay), servable, events, log, options.Speed)
        {
            Audio = audio,
        };
        var registered = options.AdvertisedEndpoint ?? OverlayAddress.Registered(overlay.Endpoint);
        var registrations = new CacheRegistrations(cache, tracker, registered, scheduler, events, log);
        // Loaded after the registrations follow the cache, so what the disk holds is offered at the tracker again.
        var disk = options.CacheDirectory is { } folder
            ? await DiskCache.OpenAsync(folder, cache, (id, c) => OverlayAddress.ManifestOrNullAsync(server, id, c), servable.Add, log, ct)
            : null;
        Parts? parts = null;
        var sourcesWatch = overlay.Sources.Active.Subscribe(set => { if (parts is not null) parts.Sources = set.Count; });
        parts = new Parts(server, tracker, overlay, jwks, registrations, sourcesWatch, disk);
        log.LogInformation("client {Peer} up: overlay {Endpoint} registered as {Registered}, server {Server}, tracker {Tracker}, cache {Policy} {Bytes} bytes{Folder}, speed {Speed}x",
            overlay.PeerId, overlay.Endpoint, registered, options.ServerUrl, options.TrackerUrl, options.Cache, options.CacheBytes,
            disk is null ? "" : " in " + disk.Directory, options.Speed);
        return new ClientNode(s, parts);
    }

    private static bool IsVirtualTime(IScheduler scheduler)
    {
        for (var t = scheduler.GetType(); t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(VirtualTimeSchedulerBase<,>)) return true;
        return false;
    }

    /// <summary>An engine over given transports, on a given loop (the engine's tests: virtual time, in-memory server and peers).</summary>
    internal static ClientNode Create(ClientServices services) => new(services, null);

    public string PeerId => _s.Overlay.PeerId;
    public IPEndPoint Endpoint => _parts?.Overlay.Endpoint ?? new IPEndPoint(IPAddress.Loopback, 0);

    /// <summary>The cache folder, when the LRU cache is kept on disk.</summary>
    public string? CacheDirectory => _parts?.Disk?.Directory;

    /// <summary>The client as it is, every 200 ms of the loop's time.</summary>
    public IObservable<ClientSnapshot> Snapshots =>
        Observable.Interval(SnapshotEvery, _s.Loop).Select(_ => Snapshot()).StartWith(Snapshot());

    /// <summary>One report per track played, when it ends or is left.</summary>
    public IObservable<PlayReport> Plays => _plays.AsObservable();

    /// <summary>Every rule as it fires (typed: <see cref="FallbackStarted"/>, <see cref="PrefetchStarted"/>, <see cref="UploadsStopped"/> ...).</summary>
    public IObservable<RuleEvent> Events => _s.Events.All;

    /// <summary>
    /// The same events on the client's loop, as each is published there (in order, before anything the
    /// loop does after it): for tests that must see the client as it was when a rule fired.
    /// </summary>
    internal IObservable<RuleEvent> EventsOnLoop => _s.Events.OnLoop;

    /// <summary>The peers known to have a track, one immutable set per change (peer availability).</summary>
    public IObservable<PeerSet> PeersOf(string trackId) => _s.PeersOf(trackId);

    /// <summary>Every overlay connection that ends, with its typed reason (rule 6's idle close among them).</summary>
    public IObservable<ConnectionClosed> ConnectionsClosed => _parts?.Overlay.Closed ?? Observable.Never<ConnectionClosed>();

    /// <summary>The reports of every play so far, for a summary on exit.</summary>
    public IReadOnlyList<PlayReport> Reports => _reports;

    /// <summary>Tokens obtained from the main server so far: 1 until the first renewal.</summary>
    public int Logins => _parts?.Server.Auth.Logins ?? 0;

    /// <summary>A copy of a cached track's bytes, or null when it is not (or no longer) in the cache.</summary>
    public byte[]? CachedCopy(string trackId) => _s.Servable.Cache.CopyOf(trackId);

    /// <summary>The tracks this client has fully cached now.</summary>
    public IReadOnlyList<string> CachedTracks => _s.Servable.Cache.TrackIds;

    /// <summary>
    /// Plays the items in order; a second call waits for the first. Cancelling is a track change to
    /// nothing: a seek, next or previous is a cancel and a new call from the position wanted.
    /// </summary>
    public async Task PlayAsync(IReadOnlyList<PlayItem> playlist, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(playlist);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        await _playing.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            await _s.Loop.Yield().ConfigureAwait(false);
            var run = new PlaylistRun(_s, p => _current = p, OnReport);
            _run = run;
            // A seek or a track change is a new run: it starts held while the user has paused.
            if (_userPaused) run.UserPause(true);
            try
            {
                await run.RunAsync(playlist, linked.Token).ConfigureAwait(false);
            }
            finally
            {
                _s.Loop.Schedule(() => { if (_run == run) _run = null; });
            }
        }
        finally
        {
            _playing.Release();
        }
    }

    /// <summary>
    /// A user pause: the playhead stops where it is, downloading goes on (not an underrun: no rule-5 metric
    /// counts it). Done once the loop has held the playhead, so a caller that reports the position waits for it.
    /// </summary>
    public Task PauseAsync() => OnLoopAsync(() => { _userPaused = true; _run?.UserPause(true); });

    /// <summary>Continues after <see cref="PauseAsync"/>, done once the loop has let the playhead go on.</summary>
    public Task ResumeAsync() => OnLoopAsync(() => { _userPaused = false; _run?.UserPause(false); });

    private Task OnLoopAsync(Action action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _s.Loop.Schedule(() =>
        {
            action();
            done.TrySetResult();
        });
        return done.Task;
    }

    /// <summary>Opens an overlay connection to a neighbour (the overlay's SEARCH goes to neighbours, then once more).</summary>
    public void AddNeighbour(IPEndPoint peer)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                var id = await _s.Overlay.ConnectAsync(peer, _stop.Token);
                _s.Log.LogInformation("neighbour {Peer} at {Endpoint}", id, peer);
            }
            catch (Exception e)
            {
                _s.Log.LogWarning("neighbour at {Endpoint} not reached: {Error}", peer, e.Message);
            }
        });
    }

    /// <summary>Connects to a neighbour and returns its peer id once the handshake is done.</summary>
    public Task<string> ConnectNeighbourAsync(IPEndPoint peer, CancellationToken ct = default) => _s.Overlay.ConnectAsync(peer, ct);

    /// <summary>The client now (any thread may ask: each part read is a value the loop published).</summary>
    public ClientSnapshot Snapshot()
    {
        var current = _current;
        var position = current?.Position;
        long server = 0, peers = 0, cache = 0;
        foreach (var r in _reports) { server += r.ServerBytes; peers += r.PeerBytes; cache += r.CacheBytes; }
        if (current is not null) { server += current.ServerBytes; peers += current.PeerBytes; cache += current.CacheBytes; }
        return new ClientSnapshot(
            PeerId,
            current?.TrackId,
            position?.Position ?? TimeSpan.Zero,
            current?.Level ?? default,
            position?.State ?? PlayerState.Idle,
            current?.Source,
            server, peers, cache,
            _parts?.Overlay.Connections.Open ?? 0,
            _parts?.Overlay.Uploads.Current.InUse ?? 0,
            _parts?.Sources ?? 0,
            _s.Events.Recent);
    }

    private void OnReport(PlayReport report)
    {
        _reports = _reports.Add(report);
        _plays.OnNext(report);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _playing.WaitAsync();
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _s.Loop.Schedule(() =>
        {
            _s.Finishing.Dispose();
            finished.TrySetResult();
        });
        if (_parts is { } p)
        {
            await finished.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            p.Registrations.Dispose();
            p.SourcesWatch.Dispose();
            // Best effort: the tracker forgets this client by itself anyway (soft state).
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            foreach (var trackId in _s.Servable.Cache.TrackIds)
            {
                try { await p.Tracker.RemoveAsync(trackId, quick.Token); }
                catch (Exception) { break; }
            }
            await p.Overlay.DisposeAsync();
            if (p.Disk is not null) await p.Disk.DisposeAsync();
            _s.Servable.Cache.Dispose();
            p.Tracker.Dispose();
            p.Server.Dispose();
            p.Jwks.Dispose();
        }
        _plays.OnCompleted();
    }
}
