using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Streams.Gates;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Protocol.Messages;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Wire.Overlay;

/// <summary>
/// A client's place in the peer overlay: listens on its endpoint, dials neighbours, answers and
/// forwards searches, serves fully cached tracks and fetches verified chunks. The limits of
/// docs/ARCHITECTURE.md are held by the three gates it exposes; all its timers run on its scheduler.
/// </summary>
public sealed class PeerNode : IAsyncDisposable
{
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<PeerConnection, byte> _all = new();
    private readonly ConcurrentDictionary<string, PeerConnection> _byPeer = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<uint, (string TrackId, IObserver<PeerHave> Observer)> _searches = new();
    private readonly ISubject<Unit> _changes = Subject.Synchronize(new Subject<Unit>());
    private readonly ISubject<ConnectionClosed> _closed = Subject.Synchronize(new Subject<ConnectionClosed>());
    private readonly ISubject<PeerBusy> _busy = Subject.Synchronize(new Subject<PeerBusy>());
    private readonly ConcurrentDictionary<string, DateTimeOffset> _droppedPeers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IPEndPoint, DateTimeOffset> _droppedEndpoints = new();
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private int _searchIds;
    private string? _peerId;

    public PeerNode(PeerNodeOptions options, TokenValidator validator, ICachedTracks tracks, IScheduler scheduler, ILogger<PeerNode>? logger = null)
    {
        Options = options;
        Validator = validator;
        Tracks = tracks;
        Scheduler = scheduler;
        _log = (ILogger?)logger ?? NullLogger.Instance;
        Connections = new ConnectionGate(options.MaxConnections);
        Handshakes = new HandshakeGate(options.MaxPendingHandshakes, options.MaxPendingHandshakesPerAddress);
        Uploads = new UploadSlots(options.UploadSlots);
        Sources = new DownloadSources(options.DownloadSources);
    }

    public PeerNodeOptions Options { get; }
    public IScheduler Scheduler { get; }
    public ConnectionGate Connections { get; }
    /// <summary>Inbound connections that have not yet shown a valid HELLO; they hold no peer slot.</summary>
    public HandshakeGate Handshakes { get; }
    public UploadSlots Uploads { get; }
    public DownloadSources Sources { get; }
    internal TokenValidator Validator { get; }
    internal ICachedTracks Tracks { get; }
    private volatile Hello? _hello;

    /// <summary>This node's peer id, from its own token (known after <see cref="StartAsync"/>).</summary>
    public string PeerId => _peerId ?? throw new InvalidOperationException("the node has not started");

    /// <summary>Where this node accepts connections (after <see cref="StartAsync"/>).</summary>
    public IPEndPoint Endpoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>Every connection that ends, with its typed reason (also logged once).</summary>
    public IObservable<ConnectionClosed> Closed => _closed.AsObservable();

    /// <summary>Peers that answered BUSY to one of this node's requests.</summary>
    public IObservable<PeerBusy> Busy => _busy.AsObservable();

    /// <summary>
    /// The overlay now, then at every open and close and every <see cref="PeerNodeOptions.OverlaySampleInterval"/>
    /// (for the byte counters), as immutable snapshots.
    /// </summary>
    public IObservable<OverlaySnapshot> Overlay =>
        _changes.AsObservable()
            .Merge(Observable.Interval(Options.OverlaySampleInterval, Scheduler).Select(_ => Unit.Default))
            .StartWith(Unit.Default)
            .Select(_ => Snapshot());

    public OverlaySnapshot Snapshot() => new(_peerId ?? "", Scheduler.Now,
        [.. _byPeer.Values.Select(c => c.Snapshot()).OrderBy(l => l.PeerId, StringComparer.Ordinal)]);

    public async Task StartAsync(CancellationToken ct = default)
    {
        var own = await Validator.ValidateAsync(Options.Token, ct);
        if (!own.IsValid) throw new InvalidOperationException("the node's own token is not valid: " + own.Error);
        _peerId = own.Identity!.PeerId;
        var listener = Listen(Options.Address, Options.Port);
        _listener = listener;
        Endpoint = (IPEndPoint)listener.LocalEndPoint!;
        _hello = new Hello(Hello.CurrentVersion, Options.Token, (ushort)(Options.Advertised?.Port ?? Endpoint.Port));
        _acceptLoop = AcceptLoopAsync(listener);
        _log.LogInformation("peer {Peer} listening on {Endpoint}, advertised as {Advertised}", _peerId, Endpoint, Advertised);
    }

    private static Socket Listen(IPAddress address, int port)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // "Every interface" is IPv4 and IPv6 on one socket; IPv4 peers then show as ::ffff:a.b.c.d.
            if (address.Equals(IPAddress.IPv6Any)) listener.DualMode = true;
            listener.Bind(new IPEndPoint(address, port));
            listener.Listen(128);
            return listener;
        }
        catch (SocketException e) when (address.Equals(IPAddress.IPv6Any) && e.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable)
        {
            // A host without IPv6 still has every IPv4 interface.
            listener.Dispose();
            return Listen(IPAddress.Any, port);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The endpoint to give the tracker and other peers: <see cref="PeerNodeOptions.Advertised"/>, else
    /// the listening one. Its address is unspecified (<c>0.0.0.0</c>/<c>::</c>) when the node listens on
    /// every interface: then whoever receives it takes the address it sees this node at.
    /// </summary>
    public IPEndPoint Advertised => Options.Advertised ?? Endpoint;

    /// <summary>
    /// What this node tells <paramref name="asker"/> to dial in a HAVE: never an address the asker
    /// cannot reach. Loopback goes only to a peer on the same host; otherwise, without an advertised
    /// endpoint, the address is left unspecified for the receiving side to fill in with the one it sees.
    /// </summary>
    internal IPEndPoint HaveEndpointFor(PeerConnection asker)
    {
        var own = Advertised;
        if (IPAddress.IsLoopback(own.Address) && !IPAddress.IsLoopback(asker.Remote.Address))
            return new IPEndPoint(IPAddress.Any, own.Port);
        return own;
    }

    /// <summary>
    /// A HAVE's endpoint as <paramref name="from"/>'s side of the network can dial it: an unspecified
    /// address (the answerer leaves it to us), or a loopback one from a peer on another host, becomes
    /// the address the answerer's connection comes from.
    /// </summary>
    internal static IPEndPoint Reachable(IPEndPoint named, PeerConnection from)
    {
        var address = named.Address;
        var unspecified = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
        var foreignLoopback = IPAddress.IsLoopback(address) && !IPAddress.IsLoopback(from.Remote.Address);
        return unspecified || foreignLoopback ? new IPEndPoint(from.Remote.Address, named.Port) : named;
    }

    /// <summary>
    /// Opens (or finds) the connection to the peer listening at <paramref name="endpoint"/> and
    /// returns its peer id once both HELLOs are validated. Throws <see cref="PeerConnectException"/>
    /// when this node is at its connection limit, the peer refuses, or the handshake fails.
    /// </summary>
    public async Task<string> ConnectAsync(IPEndPoint endpoint, CancellationToken ct = default)
    {
        foreach (var c in _byPeer.Values)
            if (c.ListenEndpoint.Equals(endpoint) && !c.IsClosed) return c.PeerId!;
        if (Dropped(_droppedEndpoints, endpoint))
            throw new PeerConnectException(CloseReason.CorruptChunk, $"the peer at {endpoint} was dropped for a corrupt chunk");
        var lease = Connections.TryOpen(out var refusal);
        if (lease is null)
        {
            Report(new ConnectionClosed(null, endpoint, ConnectionDirection.Outbound, CloseReason.ConnectionLimit, refusal!, Scheduler.Now));
            throw new PeerConnectException(CloseReason.ConnectionLimit, refusal!);
        }
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, ct);
        }
        catch (Exception e)
        {
            socket.Dispose();
            lease.Dispose();
            throw new PeerConnectException(CloseReason.SocketError, e.Message);
        }
        var connection = new PeerConnection(this, socket, lease, ConnectionDirection.Outbound);
        _all[connection] = 0;
        connection.Start();
        try
        {
            return await connection.Ready.WaitAsync(ct);
        }
        catch (PeerConnectException e) when (e.Reason == CloseReason.DuplicateConnection)
        {
            // The peer dialed us at the same moment and its connection was kept: connected all the same.
            foreach (var c in _byPeer.Values)
                if (c.ListenEndpoint.Equals(endpoint) && !c.IsClosed) return c.PeerId!;
            // The peer may close ours before this node has registered the one it dialed: the peer only
            // closes ours after our HELLO answer on its connection, so that one has its endpoint and
            // only its registration is still under way.
            foreach (var c in _all.Keys)
            {
                if (c == connection || c.Direction != ConnectionDirection.Inbound || c.IsClosed || !c.ListenEndpoint.Equals(endpoint)) continue;
                try
                {
                    return await c.Ready.WaitAsync(ct);
                }
                catch (PeerConnectException)
                {
                    // That one failed too: the original refusal stands.
                }
            }
            throw;
        }
    }

    /// <summary>Closes the connection to <paramref name="peerId"/>, if any.</summary>
    public bool Disconnect(string peerId)
    {
        if (!_byPeer.TryGetValue(peerId, out var c)) return false;
        c.Close(CloseReason.LocalShutdown, "disconnected by this node");
        return true;
    }

    public bool IsConnected(string peerId) => _byPeer.TryGetValue(peerId, out var c) && !c.IsClosed;

    /// <summary>Whether <paramref name="peerId"/> sent this node a corrupt chunk within <see cref="PeerNodeOptions.CorruptPeerDrop"/>.</summary>
    public bool IsDropped(string peerId) => Dropped(_droppedPeers, peerId);

    private bool Dropped<TKey>(ConcurrentDictionary<TKey, DateTimeOffset> dropped, TKey key) where TKey : notnull
    {
        if (!dropped.TryGetValue(key, out var until)) return false;
        if (Scheduler.Now < until) return true;
        dropped.TryRemove(new KeyValuePair<TKey, DateTimeOffset>(key, until));
        return false;
    }

    /// <summary>
    /// Asks the neighbours who has <paramref name="trackId"/> fully cached; they ask theirs once
    /// more. Emits each answer as it arrives and never completes by itself: bound it
    /// (<see cref="SearchAsync"/> does, with a window on the node's scheduler).
    /// </summary>
    public IObservable<PeerHave> Search(string trackId) => Observable.Create<PeerHave>(observer =>
    {
        if (!FieldLimits.IsTrackId(trackId)) throw new ArgumentException($"not a track id: {trackId}", nameof(trackId));
        var id = unchecked((uint)Interlocked.Increment(ref _searchIds));
        _searches[id] = (trackId, Observer.Synchronize(observer));
        var search = new Search(id, trackId, FieldLimits.MaxHopsLeft, "");
        foreach (var neighbour in _byPeer.Values) _ = neighbour.SendAsync(search);
        return Disposable.Create(() => _searches.TryRemove(id, out _));
    });

    /// <summary>The distinct peers that answered a search within <paramref name="window"/>.</summary>
    public Task<IList<PeerHave>> SearchAsync(string trackId, TimeSpan window, CancellationToken ct = default) =>
        Search(trackId)
            .TakeUntil(Observable.Timer(window, Scheduler))
            .Distinct(h => h.PeerId)
            .ToList()
            .ToTask(ct);

    /// <summary>
    /// Fetches chunk <paramref name="index"/> of the manifest's track from a connected peer and
    /// checks it against the manifest's SHA-256. Errors are typed (<see cref="PeerFetchException"/>):
    /// a corrupt chunk drops the sender, and the caller asks someone else.
    /// </summary>
    public async Task<ReadOnlyMemory<byte>> FetchChunkAsync(string peerId, TrackManifest manifest, int index, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, manifest.ChunkCount);
        if (!_byPeer.TryGetValue(peerId, out var connection) || connection.IsClosed)
            throw new PeerNotConnectedException(peerId, manifest.Id, index);
        using var source = Sources.TryAcquire(peerId, out var refusal)
            ?? throw new DownloadSourceLimitException(peerId, manifest.Id, index, refusal!);
        return await connection.FetchAsync(manifest, index, ct);
    }

    // ---- called by connections ----

    /// <summary>
    /// The HELLO for a new connection, with the token <see cref="PeerNodeOptions.TokenSource"/> gives
    /// now (renewed tokens replace the start-up one). Throws <see cref="PeerConnectException"/>
    /// (<c>Unauthenticated</c>) when the source has no token or one for another peer id.
    /// </summary>
    internal async ValueTask<Hello> HelloAsync(CancellationToken ct)
    {
        var hello = _hello ?? throw new InvalidOperationException("the node has not started");
        if (Options.TokenSource is not { } source) return hello;
        string token;
        try
        {
            token = await source(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw new PeerConnectException(CloseReason.Unauthenticated, "no token to send: " + e.Message);
        }
        if (token == hello.Token) return hello;
        // Only the identity is read here; whether the token is valid is the peer's to judge.
        var owner = TokenPeerId(token);
        if (owner != _peerId)
            throw new PeerConnectException(CloseReason.Unauthenticated, $"the token source gave a token of peer {owner ?? "(none)"}, this node is {_peerId}");
        var renewed = hello with { Token = token };
        _hello = renewed;
        _log.LogInformation("peer {Peer}: HELLOs carry a renewed token from now on", _peerId);
        return renewed;
    }

    private static string? TokenPeerId(string token)
    {
        try
        {
            return new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).TryGetPayloadValue<string>(TokenClaims.PeerId, out var peer) ? peer : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether a new connection to <paramref name="peer"/> replaces the one already open. Two nodes
    /// that dial each other at once both see a duplicate; both keep the connection dialed by the
    /// smaller peer id, so exactly one survives. Between connections dialed by the same side, the
    /// older one stays.
    /// </summary>
    internal bool Supersedes(ConnectionDirection direction, string peer) =>
        // A connection that went away meanwhile leaves nothing to supersede.
        !_byPeer.TryGetValue(peer, out var existing) || Supersedes(existing, direction, peer);

    private bool Supersedes(PeerConnection existing, ConnectionDirection direction, string peer)
    {
        if (existing.IsClosed) return true;
        if (existing.Direction == direction) return false;
        var keeperDialer = string.CompareOrdinal(PeerId, peer) < 0 ? PeerId : peer;
        var newDialer = direction == ConnectionDirection.Outbound ? PeerId : peer;
        return newDialer == keeperDialer;
    }

    internal bool TryRegister(PeerConnection connection)
    {
        var peer = connection.PeerId!;
        // Compare-and-swap on the one entry per peer: the other connection of a simultaneous dial may
        // register, be replaced or close between any two of these steps.
        while (!_byPeer.TryAdd(peer, connection))
        {
            if (!_byPeer.TryGetValue(peer, out var existing)) continue;
            if (!Supersedes(existing, connection.Direction, peer)) return false;
            if (!_byPeer.TryUpdate(peer, connection, existing)) continue;
            existing.Close(CloseReason.DuplicateConnection, $"replaced by the connection {(connection.Direction == ConnectionDirection.Outbound ? PeerId : peer)} dialed");
            break;
        }
        _log.LogInformation("peer {Peer} connected {Direction} {Remote}", connection.PeerId, connection.Direction, connection.Remote);
        _changes.OnNext(Unit.Default);
        return true;
    }

    internal void OnClosed(PeerConnection connection, CloseReason reason, string detail)
    {
        _all.TryRemove(connection, out _);
        var registered = connection.PeerId is { } peer && _byPeer.TryRemove(new KeyValuePair<string, PeerConnection>(peer, connection));
        if (reason == CloseReason.CorruptChunk && connection.PeerId is { } liar)
        {
            // Dropped, not only disconnected: a peer whose data failed its hash once is not asked again.
            var until = Scheduler.Now + Options.CorruptPeerDrop;
            _droppedPeers[liar] = until;
            _droppedEndpoints[connection.ListenEndpoint] = until;
        }
        Report(new ConnectionClosed(connection.PeerId, connection.Remote, connection.Direction, reason, detail, Scheduler.Now));
        if (registered) _changes.OnNext(Unit.Default);
    }

    internal void OnSearch(PeerConnection from, Search search)
    {
        if (Tracks.Has(search.TrackId))
        {
            var hops = (byte)(search.HopsLeft == FieldLimits.MaxHopsLeft ? 1 : 2);
            _ = from.SendAsync(new Have(search.SearchId, search.TrackId, PeerId, HaveEndpointFor(from), hops, search.ReturnVia));
        }
        if (search.HopsLeft == 0) return;
        // Once more, never back to the sender, and nothing remembered.
        var forwarded = new Search(search.SearchId, search.TrackId, (byte)(search.HopsLeft - 1), from.PeerId!);
        foreach (var neighbour in _byPeer.Values)
            if (neighbour != from) _ = neighbour.SendAsync(forwarded);
    }

    internal void OnHave(PeerConnection from, Have have)
    {
        // The answerer's neighbour (this node, when it relays or asked directly) is the one that sees its
        // address; a relay on the answerer's own host saw it at loopback, which is the relay's address to us.
        have = have with { Endpoint = Reachable(have.Endpoint, from) };
        if (have.ReturnVia.Length > 0)
        {
            if (_byPeer.TryGetValue(have.ReturnVia, out var origin) && origin != from) _ = origin.SendAsync(have with { ReturnVia = "" });
            return;
        }
        if (have.PeerId != _peerId && _searches.TryGetValue(have.SearchId, out var search) && search.TrackId == have.TrackId)
            search.Observer.OnNext(new PeerHave(have.TrackId, have.PeerId, have.Endpoint, have.Hops));
    }

    internal void OnBusy(PeerBusy busy) => _busy.OnNext(busy);

    internal void LogFault(PeerConnection connection, Exception e) =>
        _log.LogError(e, "peer {Peer} at {Remote}: unexpected fault", connection.PeerId, connection.Remote);

    private void Report(ConnectionClosed closed)
    {
        var level = closed.Reason is CloseReason.LocalShutdown or CloseReason.RemoteClosed or CloseReason.RemoteGoodbye or CloseReason.Idle
            ? LogLevel.Information : LogLevel.Warning;
        _log.Log(level, "peer {Peer} at {Remote} ({Direction}) closed: {Reason} - {Detail}",
            closed.PeerId ?? "?", closed.Remote, closed.Direction, closed.Reason, closed.Detail);
        _closed.OnNext(closed);
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                _log.LogWarning("accept failed: {Error}", e.SocketErrorCode);
                continue;
            }
            socket.NoDelay = true;
            // A peer slot is taken only after a valid HELLO (PeerConnection.TakePeerSlot): until then the
            // connection costs a place in the handshake budget only.
            PeerConnection? connection = null;
            var pending = Handshakes.TryEnter(((IPEndPoint)socket.RemoteEndPoint!).Address,
                () => connection?.Close(CloseReason.HandshakeTimeout, "evicted before HELLO: the handshake budget is full"), out var refusal);
            if (pending is null)
            {
                _ = RefuseAsync(socket, refusal!);
                continue;
            }
            connection = new PeerConnection(this, socket, null, ConnectionDirection.Inbound);
            connection.HoldHandshake(pending);
            _all[connection] = 0;
            connection.Start();
        }
    }

    /// <summary>A connection refused at accept (the handshake budget of its address is full) hears why before it is closed, then the socket drains until the dialer hangs up.</summary>
    private async Task RefuseAsync(Socket socket, string refusal)
    {
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        Report(new ConnectionClosed(null, remote, ConnectionDirection.Inbound, CloseReason.ConnectionLimit, refusal, Scheduler.Now));
        using var grace = new CancellationTokenSource();
        using var timer = Scheduler.Schedule(TimeSpan.FromSeconds(1), () => grace.Cancel());
        try
        {
            await socket.SendAsync(FrameCodec.Encode(Goodbye.For(CloseReason.ConnectionLimit, refusal)), SocketFlags.None, grace.Token);
            socket.Shutdown(SocketShutdown.Send);
            var sink = new byte[4096];
            while (await socket.ReceiveAsync(sink, SocketFlags.None, grace.Token) > 0)
            {
            }
        }
        catch (Exception)
        {
            // The refused side may hang up first; either way the socket goes.
        }
        finally
        {
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener?.Dispose();
        await _acceptLoop;
        var open = _all.Keys.ToList();
        foreach (var c in open) c.Close(CloseReason.LocalShutdown, "node shutting down");
        await Task.WhenAll(open.Select(c => c.Closed));
        foreach (var (_, search) in _searches) search.Observer.OnCompleted();
    }
}
