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
internal sealed class PeerConnection
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
    private readonly IDisposable _gateLease;
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

    public PeerConnection(PeerNode node, Socket socket, IDisposable gateLease, ConnectionDirection direction)
    {
        _node = node;
        _socket = socket;
        _gateLease = gateLease;
        Direction = direction;
        Remote = (IPEndPoint)socket.RemoteEndPoint!;
        ListenEndpoint = Remote;
        OpenedAt = node.Scheduler.Now;
        var stream = new NetworkStream(socket, ownsSocket: false);
        // Reads of 128 KiB keep a 16 KiB CHUNK frame in one segment nearly always; the zero-byte read
        // first means an idle connection waits without holding any buffer.
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 128 * 1024, minimumReadSize: 32 * 1024, leaveOpen: true, useZeroByteReads: true));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
    }

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
        if (Direction == ConnectionDirection.Outbound) _ = SendAsync(_node.HelloMessage);
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
        if (_node.IsConnected(peer))
        {
            Close(CloseReason.DuplicateConnection, $"already connected to {peer}");
            return false;
        }
        ListenEndpoint = hello.ListenPort == 0 ? Remote : new IPEndPoint(Remote.Address, hello.ListenPort);
        // The acceptor answers before it registers, so nothing it forwards can overtake its HELLO.
        if (Direction == ConnectionDirection.Inbound && !await SendAsync(_node.HelloMessage)) return false;
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

    // ---- downloading ----

    public async Task<ReadOnlyMemory<byte>> FetchAsync(TrackManifest manifest, int index, CancellationToken ct)
    {
        var key = (manifest.Id, index);
        var pending = new PendingFetch(manifest, new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_fetches.TryAdd(key, pending))
            throw new InvalidOperationException($"chunk {index} of {manifest.Id} is already outstanding at {PeerId}");
        _cancelled.TryRemove(key, out _);
        // A close that swept the outstanding fetches before this one was added must still fail it.
        if (IsClosed && _fetches.TryRemove(key, out _))
            throw new PeerConnectionClosedException(PeerId ?? "", manifest.Id, index, CloseReason.LocalShutdown);
        using var cancel = ct.Register(() =>
        {
            if (!_fetches.TryRemove(key, out var withdrawn)) return;
            if (_cancelled.Count > 4096) _cancelled.Clear();
            _cancelled[key] = 0;
            withdrawn.Result.TrySetCanceled(ct);
            _ = SendAsync(new Cancel(manifest.Id, index));
        });
        await SendAsync(new Request(manifest.Id, index));
        return Verified(manifest, index, await pending.Result.Task);
    }

    private void OnChunk(Chunk chunk)
    {
        if (_fetches.TryRemove((chunk.TrackId, chunk.Index), out var pending))
        {
            // Checked by the fetch that waits for it, so hashing runs beside the read loop, not in it.
            pending.Result.TrySetResult(chunk.Data);
            return;
        }
        // A chunk we cancelled may have been on its way already; anything else was never asked for.
        if (!_cancelled.TryRemove((chunk.TrackId, chunk.Index), out _))
            Close(CloseReason.UnsolicitedChunk, $"chunk {chunk.Index} of {chunk.TrackId} was never requested");
    }

    private ReadOnlyMemory<byte> Verified(TrackManifest manifest, int index, ReadOnlyMemory<byte> data)
    {
        var (start, end) = manifest.ChunkRange(index);
        if (data.Length == end - start && HashMatches(data.Span, manifest.ChunkHashes[index])) return data;
        var detail = data.Length != end - start ? $"{data.Length} bytes, expected {end - start}" : "SHA-256 differs from the manifest";
        Close(CloseReason.CorruptChunk, $"chunk {index} of {manifest.Id}: {detail}");
        throw new ChunkCorruptException(PeerId ?? "", manifest.Id, index, detail);
    }

    private static bool HashMatches(ReadOnlySpan<byte> data, string expectedHex)
    {
        Span<byte> expected = stackalloc byte[32];
        if (Convert.FromHexString(expectedHex, expected, out _, out var written) != OperationStatus.Done || written != 32) return false;
        Span<byte> actual = stackalloc byte[32];
        SHA256.HashData(data, actual);
        return actual.SequenceEqual(expected);
    }

    // ---- uploading ----

    private void EnqueueUpload(Request request)
    {
        bool start, overflow;
        lock (_uploadSync)
        {
            overflow = _uploads.Count >= _node.Options.MaxQueuedRequests;
            if (!overflow) _uploads.AddLast((request.TrackId, request.Index));
            start = !overflow && !_uploading;
            if (start) _uploading = true;
        }
        if (overflow) Close(CloseReason.TooManyRequests, $"more than {_node.Options.MaxQueuedRequests} requests queued");
        else if (start) _ = UploadAsync();
    }

    private void CancelUpload(Cancel cancel)
    {
        lock (_uploadSync)
        {
            for (var node = _uploads.First; node is not null; node = node.Next)
            {
                if (node.Value.TrackId == cancel.TrackId && node.Value.Index == cancel.Index)
                {
                    _uploads.Remove(node);
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Serves this peer's queue while holding one upload slot; the slot is given back as soon as the
    /// queue is empty, so a peer that merely stays connected never blocks a fifth one.
    /// </summary>
    private async Task UploadAsync()
    {
        IDisposable? slot = null;
        try
        {
            var grant = RequestSlot();
            if (!grant.IsCompleted)
            {
                (string TrackId, int Index) first;
                lock (_uploadSync) first = _uploads.First?.Value ?? ("", 0);
                var position = _node.Uploads.Current.Queued;
                if (first.TrackId.Length > 0) await SendAsync(new Busy(first.TrackId, first.Index, (ushort)Math.Min(position, ushort.MaxValue)));
            }
            slot = await grant;
            while (!IsClosed)
            {
                (string TrackId, int Index) next;
                bool last;
                lock (_uploadSync)
                {
                    if (_uploads.First is null)
                    {
                        _uploading = false;
                        break;
                    }
                    next = _uploads.First.Value;
                    _uploads.RemoveFirst();
                    last = _uploads.Count == 0;
                }
                var manifest = _node.Tracks.Has(next.TrackId) ? _node.Tracks.Manifest(next.TrackId) : null;
                if (manifest is null || next.Index >= manifest.ChunkCount)
                {
                    await SendAsync(new Missing(next.TrackId, next.Index), last ? FlushMode.Now : FlushMode.Later);
                    continue;
                }
                var data = await _node.Tracks.ReadChunkAsync(next.TrackId, next.Index, _closing.Token);
                await SendAsync(new Chunk(next.TrackId, next.Index, data), last ? FlushMode.Now : FlushMode.Later);
            }
            await FlushPendingAsync();
        }
        catch (OperationCanceledException) when (IsClosed)
        {
        }
        catch (Exception e)
        {
            _node.LogFault(this, e);
            Close(CloseReason.SocketError, "upload failed: " + e.Message);
        }
        finally
        {
            slot?.Dispose();
        }
    }

    private Task<IDisposable> RequestSlot()
    {
        var granted = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The grant may come on another connection's thread, inside the gate: only hand it over here.
        var request = _node.Uploads.Request().Subscribe(lease => { if (!granted.TrySetResult(lease)) lease.Dispose(); });
        if (granted.Task.IsCompleted) return granted.Task;
        var onClose = _closing.Token.Register(() =>
        {
            request.Dispose();
            granted.TrySetCanceled();
        });
        granted.Task.ContinueWith(_ => onClose.Dispose(), TaskScheduler.Default);
        return granted.Task;
    }

    // ---- writing ----

    /// <summary>When a frame written to the pipe goes out to the socket.</summary>
    public enum FlushMode
    {
        /// <summary>Before the send completes: the sender waits for the socket, which is its back-pressure.</summary>
        Now,
        /// <summary>On the next flush, which a batch of small frames shares: one syscall for many REQUESTs.</summary>
        Soon,
        /// <summary>With the next frame that flushes, or once <see cref="FlushBatch"/> bytes wait.</summary>
        Later,
    }

    /// <summary>Sends one frame; false when the connection is closed or closes meanwhile.</summary>
    public async ValueTask<bool> SendAsync(IWireMessage message, FlushMode mode = FlushMode.Soon)
    {
        if (IsClosed) return false;
        try
        {
            await _writeLock.WaitAsync(_closing.Token);
            try
            {
                FrameCodec.Write(_output, message);
                _unflushed += FrameCodec.FrameLength(message);
                if (mode == FlushMode.Now || _unflushed >= FlushBatch) await FlushAsync();
                else if (mode == FlushMode.Soon && !_flushQueued)
                {
                    _flushQueued = true;
                    ThreadPool.UnsafeQueueUserWorkItem(static c => _ = c.FlushQueuedAsync(), this, preferLocal: false);
                }
            }
            finally
            {
                _writeLock.Release();
            }
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            if (!IsClosed) Close(CloseReason.SocketError, e.Message);
            return false;
        }
    }

    private async Task FlushQueuedAsync()
    {
        try
        {
            await _writeLock.WaitAsync(_closing.Token);
            try
            {
                _flushQueued = false;
                if (_unflushed > 0) await FlushAsync();
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            if (!IsClosed) Close(CloseReason.SocketError, e.Message);
        }
    }

    private async ValueTask FlushPendingAsync()
    {
        if (IsClosed) return;
        await _writeLock.WaitAsync(_closing.Token);
        try
        {
            if (_unflushed > 0) await FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async ValueTask FlushAsync()
    {
        var bytes = _unflushed;
        _unflushed = 0;
        var flush = _output.FlushAsync(_closing.Token);
        if (!flush.IsCompleted)
        {
            // A peer that stops reading fills the socket buffers and this flush never ends: give it a deadline.
            using var stall = _node.Scheduler.Schedule(_node.Options.WriteStallTimeout,
                () => Close(CloseReason.SlowReader, $"a write could not drain for {_node.Options.WriteStallTimeout.TotalSeconds:0.###} s"));
            await flush;
        }
        else
        {
            await flush;
        }
        CountTraffic(ref _bytesOut, bytes);
    }

    private void CountTraffic(ref long counter, long bytes)
    {
        Interlocked.Add(ref counter, bytes);
        lock (_trafficSync) _traffic.OnNext(bytes);
    }

    // ---- closing ----

    public void Close(CloseReason reason, string detail) => Close(reason, detail, sayGoodbye: reason is not (CloseReason.RemoteClosed or CloseReason.TruncatedFrame or CloseReason.SocketError));

    private void CloseByRemote(Goodbye goodbye)
    {
        _ready.TrySetException(new PeerConnectException(goodbye.Reason, goodbye.Detail));
        Close(CloseReason.RemoteGoodbye, $"{goodbye.Reason}: {goodbye.Detail}", sayGoodbye: false);
    }

    private void Close(CloseReason reason, string detail, bool sayGoodbye)
    {
        if (Interlocked.Exchange(ref _closing0, 1) != 0) return;
        _ = CloseAsync(reason, detail, sayGoodbye);
    }

    private async Task CloseAsync(CloseReason reason, string detail, bool sayGoodbye)
    {
        _idle?.Dispose();
        _handshakeTimer?.Dispose();
        _ready.TrySetException(new PeerConnectException(reason, detail));
        FailOutstanding(reason);
        _node.OnClosed(this, reason, detail);

        using var grace = new CancellationTokenSource();
        using var graceTimer = _node.Scheduler.Schedule(CloseGrace, () => grace.Cancel());
        // A writer stuck on a peer that stopped reading holds the lock: then there is no GOODBYE to send.
        if (sayGoodbye && _writeLock.Wait(0))
        {
            try
            {
                FrameCodec.Write(_output, Goodbye.For(reason, detail));
                await _output.FlushAsync().AsTask().WaitAsync(grace.Token);
            }
            catch (Exception)
            {
                // Best effort: the peer may already be gone.
            }
        }
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception)
        {
            // Already reset by the peer.
        }
        try
        {
            await _readDone.Task.WaitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
        }
        _closing.Cancel();
        _socket.Dispose();
        _gateLease.Dispose();
        _closed.TrySetResult();
    }

    private void FailOutstanding(CloseReason reason)
    {
        foreach (var key in _fetches.Keys)
        {
            if (_fetches.TryRemove(key, out var pending))
                pending.Result.TrySetException(new PeerConnectionClosedException(PeerId ?? "", key.Item1, key.Item2, reason));
        }
        lock (_uploadSync) _uploads.Clear();
    }
}
