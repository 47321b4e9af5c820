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

/// <summary>Chunks this node waits for from the peer, and the peer's requests this node serves.</summary>
internal sealed partial class PeerConnection
{
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
}
