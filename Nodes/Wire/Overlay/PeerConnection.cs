using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using System.Security.Cryptography;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Streams.Rules;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Protocol.Messages;

namespace Spotify.Rx.Wire.Overlay;

/// <summary>
/// One persistent TCP connection to one peer: a read loop that takes frames off a pipe and hands
/// each to its handler, a write side shared by all senders, an upload queue served while this
/// peer holds an upload slot, and the chunks this node waits for from it.
/// </summary>
internal sealed partial class PeerConnection
{
    /// <summary>Unflushed bytes after which a batch of CHUNKs goes out even with more queued.</summary>
    private const int FlushBatch = 64 * 1024;
    /// <summary>How long a closing connection waits for its GOODBYE to leave and the peer to hang up.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(1);

    private readonly PeerNode _node;
    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    // Inbound connections take their peer slot only once HELLO is valid; until then they hold a
    // handshake lease. Both are swapped out atomically so a close racing the handshake frees each once.
    private IDisposable? _gateLease;
    private IDisposable? _handshakeLease;
    private readonly Subject<long> _traffic = new();
    private readonly object _trafficSync = new();
    private readonly ConcurrentDictionary<(string, int), PendingFetch> _fetches = new();
    private readonly ConcurrentDictionary<(string, int), byte> _cancelled = new();
    private readonly object _uploadSync = new();
    private readonly LinkedList<(string TrackId, int Index)> _uploads = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _readDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _idle;
    private IDisposable? _handshakeTimer;
    private bool _uploading;
    private bool _flushQueued;
    private long _bytesIn;
    private long _bytesOut;
    private int _unflushed;
    private int _closing0;

    private sealed record PendingFetch(TrackManifest Manifest, TaskCompletionSource<ReadOnlyMemory<byte>> Result);

    public PeerConnection(PeerNode node, Socket socket, IDisposable? gateLease, ConnectionDirection direction)
    {
        _node = node;
        _socket = socket;
        _gateLease = gateLease;
        Direction = direction;
        Remote = Unmapped((IPEndPoint)socket.RemoteEndPoint!);
        ListenEndpoint = Remote;
        OpenedAt = node.Scheduler.Now;
        var stream = new NetworkStream(socket, ownsSocket: false);
        // Reads of 128 KiB keep a 16 KiB CHUNK frame in one segment nearly always; the zero-byte read
        // first means an idle connection waits without holding any buffer.
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 128 * 1024, minimumReadSize: 32 * 1024, leaveOpen: true, useZeroByteReads: true));
        // Most frames are a few dozen bytes (SEARCH, HAVE, REQUEST) and a search reaches every connection:
        // a segment the size of a batch of chunks, rented per small frame while its flush waits, outran the
        // shared pool and was allocated anew (a third of the swarm's allocations at 200 clients). A CHUNK
        // frame asks for its own size, so big writes still go out in one segment.
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 4 * 1024, leaveOpen: true));
    }

    // A dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d; peers and the tracker know them as a.b.c.d.
    private static IPEndPoint Unmapped(IPEndPoint e) =>
        e.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(e.Address.MapToIPv4(), e.Port) : e;

    public ConnectionDirection Direction { get; }
    public IPEndPoint Remote { get; }
    /// <summary>Where the peer accepts connections: its address and the port from its HELLO.</summary>
    public IPEndPoint ListenEndpoint { get; private set; }
    public DateTimeOffset OpenedAt { get; }
    /// <summary>Set once HELLO validated: the peer id from the peer's token.</summary>
    public string? PeerId { get; private set; }
    public bool IsClosed => Volatile.Read(ref _closing0) != 0;
    public Task<string> Ready => _ready.Task;
    public Task Closed => _closed.Task;

    public PeerLink Snapshot() => new(PeerId ?? "", Direction, Remote, ListenEndpoint,
        Interlocked.Read(ref _bytesIn), Interlocked.Read(ref _bytesOut), OpenedAt);

    public void Start()
    {
        // Rule 6: the traffic of this connection, either way, is the only sign of life.
        _idle = IdleDisconnect.Source(_traffic, _node.Scheduler, _node.Options.IdleTimeout)
            .Subscribe(_ => Close(CloseReason.Idle, $"no byte either way for {_node.Options.IdleTimeout.TotalSeconds:0.###} s"));
        _handshakeTimer = _node.Scheduler.Schedule(_node.Options.HandshakeTimeout,
            () => { if (PeerId is null) Close(CloseReason.HandshakeTimeout, "no HELLO in time"); });
        _ = ReadLoopAsync();
        if (Direction == ConnectionDirection.Outbound) _ = SendHelloAsync();
    }

    /// <summary>This node's HELLO with the token it holds now; false (and closed) when there is none to send.</summary>
    private async Task<bool> SendHelloAsync()
    {
        Hello hello;
        try
        {
            hello = await _node.HelloAsync(_closing.Token);
        }
        catch (OperationCanceledException) when (IsClosed)
        {
            return false;
        }
        catch (PeerConnectException e)
        {
            Close(e.Reason, e.Detail);
            return false;
        }
        return await SendAsync(hello);
    }

    // ---- reading ----

    private async Task ReadLoopAsync()
    {
        try
        {
            await ReadFramesAsync();
        }
        catch (OperationCanceledException) when (IsClosed)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Close(CloseReason.SocketError, e.Message);
        }
        catch (Exception e)
        {
            _node.LogFault(this, e);
            Close(CloseReason.SocketError, "internal error: " + e.Message);
        }
        await DrainAsync();
        _readDone.TrySetResult();
    }

    private async Task ReadFramesAsync()
    {
        long unconsumed = 0;
        while (!IsClosed)
        {
            var result = await _input.ReadAsync(_closing.Token);
            var buffer = result.Buffer;
            if (buffer.Length > unconsumed) CountTraffic(ref _bytesIn, buffer.Length - unconsumed);
            while (!IsClosed)
            {
                var decoded = FrameCodec.TryDecode(ref buffer);
                if (decoded.Status == DecodeStatus.NeedMoreData) break;
                if (decoded.Status == DecodeStatus.Invalid)
                {
                    Close(decoded.Reason, decoded.Detail ?? "");
                    return;
                }
                if (!await HandleAsync(decoded.Message!)) return;
            }
            unconsumed = buffer.Length;
            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                if (unconsumed > 0) Close(CloseReason.TruncatedFrame, $"stream ended {unconsumed} bytes into a frame");
                else Close(CloseReason.RemoteClosed, "end of stream");
                return;
            }
        }
    }

    /// <summary>After a close, read and drop until the peer hangs up, so our GOODBYE is not lost to a reset.</summary>
    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(_closing.Token);
                _input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled) return;
            }
        }
        catch (Exception)
        {
            // Whatever ends the drain ends it: the connection is closed either way.
        }
    }

    private async ValueTask<bool> HandleAsync(IWireMessage message)
    {
        if (PeerId is null)
        {
            switch (message)
            {
                case Hello hello:
                    return await OnHelloAsync(hello);
                case Goodbye goodbye:
                    CloseByRemote(goodbye);
                    return false;
                default:
                    Close(CloseReason.ExpectedHello, $"{message.Type} before HELLO");
                    return false;
            }
        }

        switch (message)
        {
            case Hello:
                Close(CloseReason.UnexpectedHello, "a second HELLO");
                return false;
            case Search search:
                _node.OnSearch(this, search);
                break;
            case Have have:
                _node.OnHave(this, have);
                break;
            case Request request:
                EnqueueUpload(request);
                break;
            case Cancel cancel:
                CancelUpload(cancel);
                break;
            case Chunk chunk:
                OnChunk(chunk);
                break;
            case Busy busy:
                if (_fetches.ContainsKey((busy.TrackId, busy.Index))) _node.OnBusy(new PeerBusy(PeerId, busy.TrackId, busy.Index, busy.QueuePosition));
                break;
            case Missing missing:
                if (_fetches.TryRemove((missing.TrackId, missing.Index), out var pending))
                    pending.Result.TrySetException(new ChunkUnavailableException(PeerId, missing.TrackId, missing.Index));
                else
                    _cancelled.TryRemove((missing.TrackId, missing.Index), out _);
                break;
            case Goodbye goodbye:
                CloseByRemote(goodbye);
                return false;
        }
        return !IsClosed;
    }

    private async ValueTask<bool> OnHelloAsync(Hello hello)
    {
        if (hello.Version != Hello.CurrentVersion)
        {
            Close(CloseReason.UnsupportedVersion, $"version {hello.Version}, this node speaks {Hello.CurrentVersion}");
            return false;
        }
        var check = await _node.Validator.ValidateAsync(hello.Token, _closing.Token);
        if (!check.IsValid)
        {
            Close(CloseReason.Unauthenticated, check.Error ?? "invalid token");
            return false;
        }
        var peer = check.Identity!.PeerId;
        if (peer == _node.PeerId)
        {
            Close(CloseReason.Unauthenticated, "a node does not connect to itself");
            return false;
        }
        if (_node.IsDropped(peer))
        {
            Close(CloseReason.CorruptChunk, $"{peer} was dropped for a corrupt chunk");
            return false;
        }
        if (_node.IsConnected(peer) && !_node.Supersedes(Direction, peer))
        {
            Close(CloseReason.DuplicateConnection, $"already connected to {peer}");
            return false;
        }
        if (!TakePeerSlot()) return false;
        ListenEndpoint = hello.ListenPort == 0 ? Remote : new IPEndPoint(Remote.Address, hello.ListenPort);
        // The acceptor answers before it registers, so nothing it forwards can overtake its HELLO.
        if (Direction == ConnectionDirection.Inbound && !await SendHelloAsync()) return false;
        PeerId = peer;
        if (!_node.TryRegister(this))
        {
            Close(CloseReason.DuplicateConnection, $"already connected to {peer}");
            return false;
        }
        _handshakeTimer?.Dispose();
        _ready.TrySetResult(peer);
        return true;
    }

    /// <summary>Holds the handshake lease of an inbound connection that has yet to show a valid HELLO.</summary>
    internal void HoldHandshake(IDisposable lease) => _handshakeLease = lease;

    /// <summary>
    /// An authenticated inbound peer takes its slot now (an outbound one took it before dialing) and
    /// gives back its handshake lease; false, and closed, when all slots are taken.
    /// </summary>
    private bool TakePeerSlot()
    {
        Interlocked.Exchange(ref _handshakeLease, null)?.Dispose();
        if (Volatile.Read(ref _gateLease) is not null) return true;
        var lease = _node.Connections.TryOpen(out var refusal);
        if (lease is null)
        {
            Close(CloseReason.ConnectionLimit, refusal!);
            return false;
        }
        Volatile.Write(ref _gateLease, lease);
        // A close that began meanwhile may have looked for the lease before it was here.
        if (IsClosed) ReleaseLeases();
        return !IsClosed;
    }

    private void ReleaseLeases()
    {
        Interlocked.Exchange(ref _handshakeLease, null)?.Dispose();
        Interlocked.Exchange(ref _gateLease, null)?.Dispose();
    }
}
