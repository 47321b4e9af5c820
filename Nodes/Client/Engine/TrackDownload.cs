using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Spotify.Rx.Client.Cache;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Streams;
using Spotify.Rx.Streams.Scheduling;
using Spotify.Rx.Wire;

namespace Spotify.Rx.Client;

/// <summary>
/// The bytes of one track as they arrive, and the fetching that brings them: the
/// <see cref="ChunkScheduler"/> decides, this class carries its decisions out over the overlay and
/// the server and reports back. It lives on the client's loop: every input (a mode from the rules,
/// a peer found or lost, a chunk arriving, a request failing, a deadline passing) is handled there,
/// one at a time, so its state needs no lock. It asks the scheduler again on each input and wakes
/// itself only at the next moment something can change (a peer's deadline, the server's rest).
/// Every chunk is checked against the manifest's hash (the overlay checks peers' chunks; this
/// checks the server's). Disposing cancels what is outstanding (track change).
/// </summary>
internal sealed class TrackDownload : IDisposable
{
    // The one encoding: 160 kbit/s (docs/ARCHITECTURE.md "One encoding").
    private const double AudioBytesPerSecond = 20_000;
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(1);

    private readonly TrackBuffers _buffers;
    // Rented from the pool and held until disposed; a play of a cached track holds the cache's buffer instead.
    private byte[] _data;
    private readonly ChunkScheduler _chunks;
    private readonly Dictionary<string, PeerRate> _peers = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Chunk, string Peer), CancellationTokenSource> _peerFetches = new();
    private readonly ClientServices _s;
    private readonly CancellationTokenSource _stop = new();
    private readonly Subject<Unit> _progress = new();
    private readonly BehaviorSubject<bool> _serverReachable = new(true);
    private readonly TaskCompletionSource _complete = new();
    private readonly SerialDisposable _wake = new();
    private readonly SerialDisposable _serverRest = new();
    private readonly IDisposable _availability;
    private DateTimeOffset _wakeAt = DateTimeOffset.MaxValue;
    // Set by a failed request, cleared by the timer that ends the rest: a live timer may fire a little
    // before the clock reaches the time it was set for, so the rest is over when the timer says so,
    // not when a comparison with the clock does (that left the download asleep with nothing to wake it).
    private bool _serverResting;
    private FetchMode _mode;
    private int _playhead;
    private long _serverBytes, _peerBytes, _cacheBytes;
    private int _serverRequests;

    private sealed class PeerRate
    {
        public double BytesPerSecond;
        public DateTimeOffset LastArrival = DateTimeOffset.MinValue;
        public DateTimeOffset BlockedUntil = DateTimeOffset.MinValue;
    }

    public TrackDownload(TrackManifest manifest, ClientServices services, FetchMode mode)
    {
        Manifest = manifest;
        _s = services;
        _mode = mode;
        _buffers = services.Servable.Cache.Buffers;
        _data = _buffers.Rent(checked((int)manifest.ByteLength));
        _chunks = new ChunkScheduler(manifest.ChunkCount, manifest.ChunkSize, AudioBytesPerSecond, services.Loop);
        // The peers it may ask are the track's peer availability: found by discovery, lost on failure.
        _availability = services.PeersOf(manifest.Id).Subscribe(OnPeers);
    }

    public TrackManifest Manifest { get; }
    public string TrackId => Manifest.Id;
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Each verified chunk that arrived (on the loop).</summary>
    public IObservable<Unit> Progress => _progress.AsObservable();

    /// <summary>Whether the server may be asked: false after a failed request, true again once it may be retried.</summary>
    public IObservable<bool> ServerReachable => _serverReachable.DistinctUntilChanged();

    /// <summary>Completes (on the loop) when every chunk is here.</summary>
    public Task Complete => _complete.Task;

    public long ServerBytes => Volatile.Read(ref _serverBytes);
    public long PeerBytes => Volatile.Read(ref _peerBytes);
    public long CacheBytes => Volatile.Read(ref _cacheBytes);
    public int KnownPeers => _peers.Count;

    /// <summary>Server requests made so far (rule 1's window, fallbacks, prefetch, chunk runs).</summary>
    public int ServerRequests => _serverRequests;

    /// <summary>What the rules allow now; a suspended download lets go of what it asked of peers.</summary>
    public FetchMode Mode
    {
        get => _mode;
        set
        {
            if (_mode == value) return;
            _mode = value;
            if (value == FetchMode.Suspended) CancelPeerFetches();
            Pump();
        }
    }

    /// <summary>Where the player reads: fetching goes in playback order from here.</summary>
    public TimeSpan Playhead
    {
        set => _playhead = Manifest.ChunkIndexOf(Manifest.OffsetOf(value));
    }

    /// <summary>
    /// The playhead as it plays (on the loop). Entering a new chunk moves the windows that are measured
    /// from it (the server's 15 s ahead while no peer is known, urgency): the scheduler is asked again,
    /// or a download with nothing in flight would wait for an arrival that never comes.
    /// </summary>
    public void PlayheadMoved(TimeSpan position)
    {
        var chunk = Manifest.ChunkIndexOf(Manifest.OffsetOf(position));
        if (chunk == _playhead) return;
        _playhead = chunk;
        Pump();
    }

    /// <summary>How far audio can be decoded from <paramref name="position"/> with the bytes here (any thread may ask).</summary>
    public TimeSpan PlayableUntil(TimeSpan position)
    {
        var from = Manifest.OffsetOf(position);
        var contiguous = Math.Min(Manifest.ByteLength, (long)_chunks.ContiguousEnd(Manifest.ChunkIndexOf(from)) * Manifest.ChunkSize);
        return contiguous <= from ? position : Max(position, Manifest.PlayableUntil(contiguous));
    }

    public bool IsComplete => _chunks.Complete;

    /// <summary>The track's bytes; whole once <see cref="IsComplete"/>. Held by the download until it is disposed.</summary>
    public byte[] Bytes => _data;

    /// <summary>
    /// The bytes held once more for a reader that may outlive the download (the sound output's decoding
    /// thread), or null if the download has let go of them already; the reader gives them back with <see cref="Release"/>.
    /// </summary>
    public byte[]? HoldBytes() => _buffers.TryHold(_data) ? _data : null;

    public void Release(byte[] bytes) => _buffers.Release(bytes);

    /// <summary>
    /// The track was in the cache: every chunk is here at once. The download takes over the caller's hold
    /// on <paramref name="bytes"/> (the cache's buffer, taken with <c>TryUse</c>) instead of copying them.
    /// </summary>
    public void FillFromCache(byte[] bytes)
    {
        _buffers.Release(_data);
        _data = bytes;
        for (var c = 0; c < Manifest.ChunkCount; c++) _chunks.MarkHave(c);
        Volatile.Write(ref _cacheBytes, bytes.LongLength);
        Arrived();
    }

    private void OnPeers(PeerSet set)
    {
        foreach (var gone in _peers.Keys.Where(p => !set.Peers.Contains(p)).ToArray())
        {
            _peers.Remove(gone);
            _chunks.PeerLost(gone);
        }
        foreach (var peer in set.Peers) _peers.TryAdd(peer, new PeerRate());
        Pump();
    }

    /// <summary>Rule 1 / rule 7: the server is asked for the bytes covering [from, from + length) at once.</summary>
    public void FetchFromServer(TimeSpan from, TimeSpan length)
    {
        var (start, end) = Manifest.ByteRangeFor(from, length);
        var first = Manifest.ChunkIndexOf(start);
        var last = Manifest.ChunkIndexOf(Math.Max(start, end - 1));
        // The Ogg headers (OpusHead, OpusTags) come along, so a decoder can start from the window.
        var headerChunks = Manifest.ChunkIndexOf(Math.Max(0, Manifest.AudioStart - 1)) + 1;
        var wanted = Enumerable.Range(0, Math.Min(headerChunks, first)).Concat(Enumerable.Range(first, last - first + 1));
        // Only what is neither here nor asked of the server already (a prefetch may have brought it). A
        // chunk the prefetch asked of a peer is asked of the server as well: rule 1's window comes from the
        // server, and a peer with its upload slots taken (FCFS) would hold the start up to its deadline.
        var missing = wanted.Where(c => !_chunks.Has(c) && !_chunks.IsAskedOfServer(c)).ToList();
        foreach (var c in missing) _chunks.RequestedFromServer(c, 1);
        foreach (var run in Runs(missing)) FromServer(run.First, run.Count);
    }

    /// <summary>Asks the scheduler what to fetch now and starts it; then sleeps until the next deadline.</summary>
    private void Pump()
    {
        if (_stop.IsCancellationRequested || _chunks.Complete) return;
        var now = _s.Loop.Now;
        var peers = _peers.Where(p => p.Value.BlockedUntil <= now && _s.Overlay.IsConnected(p.Key))
            .Select(p => new PeerSource(p.Key, p.Value.BytesPerSecond)).ToList();
        var serverOk = !_serverResting;
        // While the server rests, rules 3 and 4 (FetchPlans) say peers; a mode from before that news is peers too.
        var mode = !serverOk && _mode is FetchMode.ServerFallback or FetchMode.ServerOnly ? FetchMode.Peers : _mode;
        var decided = _chunks.Next(_playhead, peers, mode).ToList();
        if (!serverOk)
        {
            foreach (var a in decided.Where(a => a.ToServer)) _chunks.Failed(a.Chunk, null);
            decided.RemoveAll(a => a.ToServer);
        }
        foreach (var a in decided.Where(a => !a.ToServer)) FromPeer(a.Chunk, a.Peer!);
        foreach (var run in Runs(decided.Where(a => a.ToServer).Select(a => a.Chunk))) FromServer(run.First, run.Count);
        WakeAtNextChange(now);
    }

    private void WakeAtNextChange(DateTimeOffset now)
    {
        var next = _chunks.NextDeadline ?? DateTimeOffset.MaxValue;
        foreach (var p in _peers.Values)
            if (p.BlockedUntil > now && p.BlockedUntil < next) next = p.BlockedUntil;
        if (next == DateTimeOffset.MaxValue || next == _wakeAt) return;
        _wakeAt = next;
        _wake.Disposable = _s.Loop.Schedule(next - now, () =>
        {
            _wakeAt = DateTimeOffset.MaxValue;
            Pump();
        });
    }

    private void FromPeer(int chunk, string peer)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        _peerFetches[(chunk, peer)] = cts;
        var asked = _s.Loop.Now;
        Task<ReadOnlyMemory<byte>> fetch;
        try { fetch = _s.Overlay.FetchChunkAsync(peer, Manifest, chunk, cts.Token); }
        catch (Exception e) { fetch = Task.FromException<ReadOnlyMemory<byte>>(e); }
        fetch.Then(_s.Loop, t =>
        {
            if (_peerFetches.TryGetValue((chunk, peer), out var mine) && mine == cts) _peerFetches.Remove((chunk, peer));
            cts.Dispose();
            if (_stop.IsCancellationRequested) return;
            if (t.IsCompletedSuccessfully) OnPeerChunk(chunk, peer, asked, t.Result);
            else if (t.IsCanceled || t.Exception?.InnerException is OperationCanceledException) _chunks.Failed(chunk, peer);
            else if (t.Exception?.InnerException is PeerFetchException e) OnPeerFailure(chunk, peer, e);
            else
            {
                _s.Log.LogWarning("chunk {Chunk} of {Track} from {Peer}: {Error}", chunk, TrackId, peer, t.Exception?.InnerException?.Message);
                _chunks.Failed(chunk, peer);
            }
            Pump();
        });
    }

    private void OnPeerChunk(int chunk, string peer, DateTimeOffset asked, ReadOnlyMemory<byte> data)
    {
        if (_peers.TryGetValue(peer, out var rate))
        {
            var now = _s.Loop.Now;
            var since = rate.LastArrival > asked ? rate.LastArrival : asked;
            var seconds = Math.Max(0.001, (now - since).TotalSeconds);
            var sample = data.Length / seconds;
            rate.BytesPerSecond = rate.BytesPerSecond <= 0 ? sample : 0.7 * rate.BytesPerSecond + 0.3 * sample;
            rate.LastArrival = now;
        }
        if (Store(chunk, data.Span, peer)) Volatile.Write(ref _peerBytes, _peerBytes + data.Length);
    }

    private void OnPeerFailure(int chunk, string peer, PeerFetchException e)
    {
        switch (e)
        {
            case ChunkCorruptException:
                _s.Events.Add(new CorruptChunk(_s.Loop.Now, TrackId, chunk, peer));
                Lose(peer);
                break;
            case PeerConnectionClosedException or PeerNotConnectedException or ChunkUnavailableException:
                _s.Events.Add(new PeerLost(_s.Loop.Now, TrackId, peer, e.GetType().Name.Replace("Exception", "")));
                Lose(peer);
                break;
            default:
                // The node's five download sources are busy with another track: try this peer again shortly.
                _chunks.Failed(chunk, peer);
                if (_peers.TryGetValue(peer, out var rate)) rate.BlockedUntil = _s.Loop.Now + Backoff;
                break;
        }
    }

    // The loss goes through peer availability, so every reader of it (this download among them) hears it.
    private void Lose(string peer)
    {
        _chunks.PeerLost(peer);
        _s.PeerChanges.OnNext(PeerChange.Lost(TrackId, peer));
    }

    private void FromServer(int first, int count)
    {
        var (start, _) = Manifest.ChunkRange(first);
        var (_, end) = Manifest.ChunkRange(first + count - 1);
        _serverRequests++;
        _s.Log.LogDebug("server asked for chunks {First}..{Last} of {Track} ({Mode}, playhead chunk {Playhead}, {Peers} peers)",
            first, first + count - 1, TrackId, _mode, _playhead, _peers.Count);
        Task range;
        try { range = _s.Server.RangeAsync(TrackId, start, end, Manifest.ChunkSize, OnServerPart, _stop.Token); }
        catch (Exception e) { range = Task.FromException(e); }
        range.Then(_s.Loop, t =>
        {
            if (_stop.IsCancellationRequested) return;
            // Every part came through the loop before this: what is not here now never arrived.
            if (t.IsCompletedSuccessfully)
            {
                if (!_serverReachable.Value) _serverReachable.OnNext(true);
            }
            else OnServerFailure(first, count, t.Exception?.InnerException?.Message ?? "cancelled");
            Pump();
        });
    }

    /// <summary>
    /// One chunk of a server range, on the thread that read it: checked against the manifest and put in
    /// its place there, then announced on the loop. Writing off the loop is safe: nothing reads a chunk's
    /// place until the loop has marked it here, and every copy of a chunk is the same verified bytes.
    /// </summary>
    private void OnServerPart(long offset, ReadOnlySpan<byte> bytes)
    {
        var chunk = Manifest.ChunkIndexOf(offset);
        var (chunkStart, chunkEnd) = Manifest.ChunkRange(chunk);
        var length = bytes.Length;
        var verified = offset == chunkStart && length == chunkEnd - chunkStart && HashMatches(bytes, Manifest.ChunkHashes[chunk]);
        // Held for the copy, and copied only while the download is not disposed: Dispose stops before it
        // lets go of the buffer, so a stop not seen after the hold means the buffer is still this play's.
        if (verified && _buffers.TryHold(_data))
        {
            try
            {
                if (_stop.IsCancellationRequested) verified = false;
                else bytes.CopyTo(_data.AsSpan((int)offset));
            }
            finally { _buffers.Release(_data); }
        }
        else verified = false;
        _s.Loop.Schedule(() =>
        {
            if (_stop.IsCancellationRequested) return;
            if (!verified) _chunks.Failed(chunk, null);
            else if (Keep(chunk, null)) Volatile.Write(ref _serverBytes, _serverBytes + length);
        });
    }

    private void OnServerFailure(int first, int count, string message)
    {
        _s.Events.Add(new ServerFailed(_s.Loop.Now, TrackId, first, first + count - 1, message));
        for (var c = first; c < first + count; c++) _chunks.Failed(c, null);
        _serverResting = true;
        _serverReachable.OnNext(false);
        // Once it may be asked again, the rules hear of it (and decide as if it were back).
        _serverRest.Disposable = _s.Loop.Schedule(Backoff, () =>
        {
            _serverResting = false;
            _serverReachable.OnNext(true);
            Pump();
        });
    }

    /// <summary>Keeps a verified chunk; false if it was here already (a duplicate from a late peer).</summary>
    private bool Store(int chunk, ReadOnlySpan<byte> data, string? from)
    {
        if (_chunks.Has(chunk)) return false;
        data.CopyTo(_data.AsSpan((int)Manifest.ChunkRange(chunk).Start));
        return Keep(chunk, from);
    }

    /// <summary>Marks a chunk whose bytes are in place as here; false if it was here already.</summary>
    private bool Keep(int chunk, string? from)
    {
        if (_chunks.Has(chunk)) return false;
        foreach (var peer in _chunks.Received(chunk, from))
            if (_peerFetches.Remove((chunk, peer), out var cts)) cts.Cancel();
        Arrived();
        return true;
    }

    private void Arrived()
    {
        if (IsComplete)
        {
            _wake.Disposable = null;
            _complete.TrySetResult();
        }
        _progress.OnNext(Unit.Default);
    }

    private void CancelPeerFetches()
    {
        foreach (var ((chunk, peer), cts) in _peerFetches.ToArray())
        {
            _peerFetches.Remove((chunk, peer));
            _chunks.Failed(chunk, peer);
            cts.Cancel();
        }
    }

    private static IEnumerable<(int First, int Count)> Runs(IEnumerable<int> chunks)
    {
        int? first = null, count = 0;
        foreach (var c in chunks.Order())
        {
            if (first is not null && c == first + count) { count++; continue; }
            if (first is not null) yield return (first.Value, count.Value);
            (first, count) = (c, 1);
        }
        if (first is not null) yield return (first.Value, count.Value);
    }

    private static bool HashMatches(ReadOnlySpan<byte> data, string expectedHex) =>
        Convert.ToHexStringLower(SHA256.HashData(data)) == expectedHex;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _availability.Dispose();
        _wake.Dispose();
        _serverRest.Dispose();
        _stop.Cancel();
        _chunks.CancelAll();
        _complete.TrySetCanceled();
        _buffers.Release(_data);
    }
}
