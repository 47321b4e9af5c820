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

/// <summary>The write side shared by all senders, and the one way a connection ends.</summary>
internal sealed partial class PeerConnection
{
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
        // Noted as traffic first: a counter that shows the bytes then means rule 6 has seen them too.
        lock (_trafficSync) _traffic.OnNext(bytes);
        Interlocked.Add(ref counter, bytes);
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
        ReleaseLeases();
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
