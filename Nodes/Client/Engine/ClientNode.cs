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
/// the tracker, playing playlists by docs/ARCHITECTURE.md's rules. Everything it does is visible as
/// observables: <see cref="Snapshots"/> for a view, <see cref="Plays"/> for metrics,
/// <see cref="Events"/> for the rules as they fire.
/// </summary>
public sealed class ClientNode : IAsyncDisposable
{
    private static readonly TimeSpan SnapshotEvery = TimeSpan.FromMilliseconds(200);

    private readonly ClientServices _s;
    private readonly HttpClient _jwks;
    private readonly CacheRegistrations _registrations;
    private readonly Subject<PlayReport> _plays = new();
    private readonly SemaphoreSlim _playing = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PlayReport> _reports = new();
    private readonly IDisposable _sourcesWatch;
    private volatile TrackPlayback? _current;
    private volatile int _sources;

    private readonly DiskCache? _disk;

    private ClientNode(ClientServices s, HttpClient jwks, CacheRegistrations registrations, DiskCache? disk)
    {
        _s = s;
        _jwks = jwks;
        _registrations = registrations;
        _disk = disk;
        _sourcesWatch = s.Overlay.Sources.Active.Subscribe(set => _sources = set.Count);
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
        }, validator, servable, scheduler,
            logs.CreateLogger<PeerNode>());
        await overlay.StartAsync(ct);
        var tracker = new TrackerClient(options.TrackerUrl, server.Auth);
        var events = new RuleEvents(scheduler, log);
        var s = new ClientServices(scheduler, server, tracker, overlay, servable, events, log, options.Speed) { Audio = audio };
        var registered = options.AdvertisedEndpoint ?? OverlayAddress.Registered(overlay.Endpoint);
        var registrations = new CacheRegistrations(cache, tracker, registered, scheduler, events, log);
        // Loaded after the registrations follow the cache, so what the disk holds is offered at the tracker again.
        var disk = options.CacheDirectory is { } folder
            ? await DiskCache.OpenAsync(folder, cache, (id, c) => OverlayAddress.ManifestOrNullAsync(server, id, c), servable.Add, log, ct)
            : null;
        log.LogInformation("client {Peer} up: overlay {Endpoint} registered as {Registered}, server {Server}, tracker {Tracker}, cache {Policy} {Bytes} bytes{Folder}, speed {Speed}x",
            options.PeerId, overlay.Endpoint, registered, options.ServerUrl, options.TrackerUrl, options.Cache, options.CacheBytes,
            disk is null ? "" : " in " + disk.Directory, options.Speed);
        return new ClientNode(s, jwks, registrations, disk);
    }

    public string PeerId => _s.Overlay.PeerId;
    public IPEndPoint Endpoint => _s.Overlay.Endpoint;

    /// <summary>The cache folder, when the LRU cache is kept on disk.</summary>
    public string? CacheDirectory => _disk?.Directory;

    /// <summary>The client as it is, every 200 ms of the scheduler's time.</summary>
    public IObservable<ClientSnapshot> Snapshots =>
        Observable.Interval(SnapshotEvery, _s.Scheduler).Select(_ => Snapshot()).StartWith(Snapshot());

    /// <summary>One report per track played, when it ends or is left.</summary>
    public IObservable<PlayReport> Plays => _plays.AsObservable();

    /// <summary>Every rule as it fires (fallback, prefetch, stutter, pause ...).</summary>
    public IObservable<RuleEvent> Events => _s.Events.All;

    /// <summary>Every overlay connection that ends, with its typed reason (rule 6's idle close among them).</summary>
    public IObservable<ConnectionClosed> ConnectionsClosed => _s.Overlay.Closed;

    /// <summary>The reports of every play so far, for a summary on exit.</summary>
    public IReadOnlyList<PlayReport> Reports { get { lock (_reports) return _reports.ToArray(); } }

    /// <summary>Tokens obtained from the main server so far: 1 until the first renewal.</summary>
    public int Logins => _s.Server.Auth.Logins;

    /// <summary>A copy of a cached track's bytes, or null when it is not (or no longer) in the cache.</summary>
    public byte[]? CachedCopy(string trackId) => _s.Servable.Cache.TryGet(trackId, out var bytes) ? bytes.ToArray() : null;

    /// <summary>The tracks this client has fully cached now.</summary>
    public IReadOnlyList<string> CachedTracks => _s.Servable.Cache.TrackIds;

    /// <summary>Plays the items in order; a second call waits for the first. Cancelling is a track change to nothing.</summary>
    public async Task PlayAsync(IReadOnlyList<PlayItem> playlist, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(playlist);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        await _playing.WaitAsync(linked.Token);
        try
        {
            using var run = new PlaylistRun(_s, OnCurrent, OnReport);
            await run.RunAsync(playlist, linked.Token);
        }
        finally
        {
            _playing.Release();
        }
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

    public ClientSnapshot Snapshot()
    {
        var current = _current;
        var position = current?.Position;
        var overlay = _s.Overlay;
        long server = 0, peers = 0, cache = 0;
        lock (_reports)
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
            overlay.Connections.Open,
            overlay.Uploads.Current.InUse,
            _sources,
            _s.Events.Recent);
    }

    // ---- User pause (for `client run`): the smallest form on this engine; a play that starts while
    // paused starts held, so a seek or a track change keeps the pause until Resume.
    private volatile bool _userPaused;

    /// <summary>A user pause: the playhead stops where it is, downloads and uploads go on (not an underrun pause).</summary>
    public void Pause()
    {
        _userPaused = true;
        // Store then load on both sides (here and in OnCurrent): a play starting meanwhile is held by one of them.
        Interlocked.MemoryBarrier();
        _current?.Hold();
    }

    /// <summary>Ends a user pause: the playhead moves on from where it stood.</summary>
    public void Resume()
    {
        _userPaused = false;
        Interlocked.MemoryBarrier();
        _current?.Release();
    }

    private void OnCurrent(TrackPlayback? playback)
    {
        _current = playback;
        Interlocked.MemoryBarrier();
        if (playback is not null && _userPaused) playback.Hold();
    }
    // ---- end of user pause

    private void OnReport(PlayReport report)
    {
        lock (_reports) _reports.Add(report);
        _plays.OnNext(report);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _playing.WaitAsync();
        _registrations.Dispose();
        _sourcesWatch.Dispose();
        // Best effort: the tracker forgets this client by itself anyway (soft state).
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        foreach (var trackId in _s.Servable.Cache.TrackIds)
        {
            try { await _s.Tracker.RemoveAsync(trackId, quick.Token); }
            catch (Exception) { break; }
        }
        await _s.Overlay.DisposeAsync();
        if (_disk is not null) await _disk.DisposeAsync();
        _s.Servable.Cache.Dispose();
        _s.Tracker.Dispose();
        _s.Server.Dispose();
        _jwks.Dispose();
        _plays.OnCompleted();
    }
}
