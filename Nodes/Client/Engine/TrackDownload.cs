using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Spotify.Rx.Client.Http;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Streams;
using Spotify.Rx.Streams.Rules;
using Spotify.Rx.Streams.Scheduling;
using Spotify.Rx.Wire;
using Spotify.Rx.Wire.Overlay;

namespace Spotify.Rx.Client;

/// <summary>
/// The bytes of one track as they arrive, and the fetching that brings them: the
/// <see cref="ChunkScheduler"/> decides, this class carries its decisions out over the overlay and
/// the server connection and reports back. Every chunk is checked against the manifest's hash
/// (the overlay checks peers' chunks; this checks the server's). Disposing cancels what is
/// outstanding (track change).
/// </summary>
internal sealed class TrackDownload : IDisposable
{
    // The one encoding: 160 kbit/s (docs/ARCHITECTURE.md "One encoding").
    private const double AudioBytesPerSecond = 20_000;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly byte[] _data;
    private readonly ChunkScheduler _chunks;
    private readonly Dictionary<string, PeerRate> _peers = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Chunk, string Peer), CancellationTokenSource> _peerFetches = new();
    private readonly ClientServices _s;
    private readonly CancellationTokenSource _stop = new();
    private readonly Subject<Unit> _progress = new();
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IDisposable _ticks;
    private DateTimeOffset _serverPausedUntil = DateTimeOffset.MinValue;
    private FetchMode _mode = FetchMode.Peers;
    private int _playhead;
    private TimeSpan _playheadTime;
    private bool _allowServer = true;
    private long _serverBytes, _peerBytes, _cacheBytes;

    private sealed class PeerRate
    {
        public double BytesPerSecond;
        public DateTimeOffset LastArrival = DateTimeOffset.MinValue;
        public DateTimeOffset BlockedUntil = DateTimeOffset.MinValue;
    }

    public TrackDownload(TrackManifest manifest, ClientServices services, bool allowServer)
    {
        Manifest = manifest;
        _s = services;
        _allowServer = allowServer;
        _data = new byte[manifest.ByteLength];
        _chunks = new ChunkScheduler(manifest.ChunkCount, manifest.ChunkSize, AudioBytesPerSecond, services.Scheduler);
        _ticks = Observable.Interval(Tick, services.Scheduler).Subscribe(_ => Pump());
    }

    public TrackManifest Manifest { get; }
    public string TrackId => Manifest.Id;
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Each verified chunk that arrived.</summary>
    public IObservable<Unit> Progress => _progress.AsObservable();

    /// <summary>Completes when every chunk is here.</summary>
    public Task Complete => _complete.Task;

    public long ServerBytes => Interlocked.Read(ref _serverBytes);
    public long PeerBytes => Interlocked.Read(ref _peerBytes);
    public long CacheBytes => Interlocked.Read(ref _cacheBytes);
    public int KnownPeers { get { lock (_gate) return _peers.Count; } }

    public FetchMode Mode
    {
        get { lock (_gate) return _mode; }
        set { lock (_gate) _mode = value; Pump(); }
    }

    /// <summary>False while only prefetching from peers (rule 7): the server is not asked.</summary>
    public bool AllowServer
    {
        get { lock (_gate) return _allowServer; }
        set { lock (_gate) _allowServer = value; Pump(); }
    }

    /// <summary>Where the player reads: fetching goes in playback order from here.</summary>
    public TimeSpan Playhead
    {
        set
        {
            var chunk = Manifest.ChunkIndexOf(Manifest.OffsetOf(value));
            lock (_gate) (_playhead, _playheadTime) = (chunk, value);
        }
    }

    private int PlayheadChunk { get { lock (_gate) return _playhead; } }

    /// <summary>How far audio can be decoded from <paramref name="position"/> with the bytes here.</summary>
    public TimeSpan PlayableUntil(TimeSpan position)
    {
        lock (_gate) return PlayableUntilHeld(position);
    }

    private TimeSpan PlayableUntilHeld(TimeSpan position)
    {
        var from = Manifest.OffsetOf(position);
        var contiguous = Math.Min(Manifest.ByteLength, (long)_chunks.ContiguousEnd(Manifest.ChunkIndexOf(from)) * Manifest.ChunkSize);
        return contiguous <= from ? position : Max(position, Manifest.PlayableUntil(contiguous));
    }

    public bool IsComplete { get { lock (_gate) return _chunks.Complete; } }

    /// <summary>The whole track, once <see cref="IsComplete"/>.</summary>
    public byte[] Bytes => _data;

    /// <summary>The track was in the cache: every chunk is here at once.</summary>
    public void FillFromCache(byte[] bytes)
    {
        bytes.CopyTo(_data, 0);
        lock (_gate)
            for (var c = 0; c < Manifest.ChunkCount; c++) _chunks.MarkHave(c);
        Interlocked.Add(ref _cacheBytes, bytes.LongLength);
        Arrived();
    }

    /// <summary>A peer that has the track; true when it is the first one known (said once, however many finders race).</summary>
    public bool AddPeer(string peerId)
    {
        bool first;
        lock (_gate)
        {
            if (!_peers.TryAdd(peerId, new PeerRate())) return false;
            first = _peers.Count == 1;
        }
        Pump();
        return first;
    }

    public void RemovePeer(string peerId)
    {
        lock (_gate)
        {
            if (!_peers.Remove(peerId)) return;
            _chunks.PeerLost(peerId);
        }
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
        List<int> missing;
        lock (_gate)
        {
            // Only what is neither here nor asked of the server already (a prefetch may have brought it).
            missing = wanted.Where(c => !_chunks.Has(c) && !_chunks.IsInFlight(c)).ToList();
            foreach (var c in missing) _chunks.RequestedFromServer(c, 1);
        }
        foreach (var run in Runs(missing)) _ = FromServerAsync(run.First, run.Count);
    }

    /// <summary>Asks the scheduler what to fetch next and starts it. Called on every event and every tick.</summary>
    public void Pump()
    {
        if (_stop.IsCancellationRequested) return;
        List<ChunkAssignment> decided;
        lock (_gate)
        {
            if (_chunks.Complete) return;
            var now = _s.Scheduler.Now;
            var peers = _peers.Where(p => p.Value.BlockedUntil <= now && _s.Overlay.IsConnected(p.Key))
                .Select(p => new PeerSource(p.Key, p.Value.BytesPerSecond)).ToList();
            if (!_allowServer && peers.Count == 0) return;
            var serverOk = _allowServer && now >= _serverPausedUntil;
            // While the server cannot be asked (it failed a moment ago, or only peers may prefetch),
            // rules 3 and 4 have no server to turn to: peers carry on rather than nothing being fetched
            // (a stutter would follow), and the rule's mode applies again once the server answers.
            var mode = serverOk ? _mode : FetchMode.Peers;
            // The fallback decision reaches this download a moment after the data that ended it: the
            // fetch that lands lifts the level back to 10 s and pumps at once, while rule 3's "peers"
            // is still on its way. Asked with the level as it is now, the rule says whether another 15 s
            // from the server are wanted; a stale fallback asks for nothing.
            if (mode == FetchMode.ServerFallback && ServerFallback.Decide(LevelNow()) == DataSource.Peers) return;
            decided = _chunks.Next(_playhead, peers, mode).ToList();
            if (!serverOk)
            {
                // The server may not be asked now: its part goes back to waiting.
                foreach (var a in decided.Where(a => a.ToServer)) _chunks.Failed(a.Chunk, null);
                decided.RemoveAll(a => a.ToServer);
            }
        }
        foreach (var a in decided.Where(a => !a.ToServer)) _ = FromPeerAsync(a.Chunk, a.Peer!);
        foreach (var run in Runs(decided.Where(a => a.ToServer).Select(a => a.Chunk))) _ = FromServerAsync(run.First, run.Count);
    }

    private async Task FromPeerAsync(int chunk, string peer)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        lock (_gate) _peerFetches[(chunk, peer)] = cts;
        var asked = _s.Scheduler.Now;
        try
        {
            var data = await _s.Overlay.FetchChunkAsync(peer, Manifest, chunk, cts.Token);
            lock (_gate)
            {
                if (_peers.TryGetValue(peer, out var rate))
                {
                    var now = _s.Scheduler.Now;
                    var since = rate.LastArrival > asked ? rate.LastArrival : asked;
                    var seconds = Math.Max(0.001, (now - since).TotalSeconds);
                    var sample = data.Length / seconds;
                    rate.BytesPerSecond = rate.BytesPerSecond <= 0 ? sample : 0.7 * rate.BytesPerSecond + 0.3 * sample;
                    rate.LastArrival = now;
                }
            }
            if (Store(chunk, data.Span, peer)) Interlocked.Add(ref _peerBytes, data.Length);
        }
        catch (OperationCanceledException)
        {
            lock (_gate) _chunks.Failed(chunk, peer);
        }
        catch (PeerFetchException e)
        {
            OnPeerFailure(chunk, peer, e);
        }
        catch (Exception e)
        {
            _s.Log.LogWarning("chunk {Chunk} of {Track} from {Peer}: {Error}", chunk, TrackId, peer, e.Message);
            lock (_gate) _chunks.Failed(chunk, peer);
        }
        finally
        {
            lock (_gate) _peerFetches.Remove((chunk, peer));
            cts.Dispose();
        }
        Pump();
    }

    private void OnPeerFailure(int chunk, string peer, PeerFetchException e)
    {
        switch (e)
        {
            case ChunkCorruptException:
                _s.Events.Add("corrupt", $"chunk {chunk} of {TrackId} from {peer} failed its hash: peer dropped, chunk asked again");
                RemovePeer(peer);
                break;
            case PeerConnectionClosedException or PeerNotConnectedException or ChunkUnavailableException:
                _s.Events.Add("peer-lost", $"{peer} can no longer serve {TrackId} ({e.GetType().Name.Replace("Exception", "")})");
                RemovePeer(peer);
                break;
            default:
                // The node's five download sources are busy with another track: try this peer again shortly.
                lock (_gate)
                {
                    _chunks.Failed(chunk, peer);
                    if (_peers.TryGetValue(peer, out var rate)) rate.BlockedUntil = _s.Scheduler.Now + Backoff;
                }
                break;
        }
    }

    private async Task FromServerAsync(int first, int count)
    {
        try
        {
            var (start, _) = Manifest.ChunkRange(first);
            var (_, end) = Manifest.ChunkRange(first + count - 1);
            _s.Log.LogDebug("server asked for chunks {First}..{Last} of {Track} ({Mode}, playhead chunk {Playhead}, {Peers} peers)",
                first, first + count - 1, TrackId, Mode, PlayheadChunk, KnownPeers);
            var bytes = await _s.Server.RangeAsync(TrackId, start, end, _stop.Token);
            if (bytes.LongLength != end - start) throw new InvalidDataException($"server sent {bytes.Length} bytes for {end - start}");
            for (var c = first; c < first + count; c++)
            {
                var (cs, ce) = Manifest.ChunkRange(c);
                var span = bytes.AsSpan((int)(cs - start), (int)(ce - cs));
                if (!HashMatches(span, Manifest.ChunkHashes[c]))
                {
                    lock (_gate) _chunks.Failed(c, null);
                    continue;
                }
                if (Store(c, span, null)) Interlocked.Add(ref _serverBytes, span.Length);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            _s.Events.Add("server-error", $"{TrackId} chunks {first}..{first + count - 1}: {e.Message}");
            lock (_gate)
            {
                for (var c = first; c < first + count; c++) _chunks.Failed(c, null);
                _serverPausedUntil = _s.Scheduler.Now + Backoff;
            }
        }
        Pump();
    }

    /// <summary>The buffer level at the playhead last reported, from the chunks held now (under the lock).</summary>
    private BufferLevel LevelNow()
    {
        var until = PlayableUntilHeld(_playheadTime);
        return new BufferLevel(until - _playheadTime, until >= Manifest.Duration);
    }

    /// <summary>Keeps a verified chunk; false if it was here already (a duplicate from a late peer).</summary>
    private bool Store(int chunk, ReadOnlySpan<byte> data, string? from)
    {
        var redundant = new List<CancellationTokenSource>();
        lock (_gate)
        {
            if (_chunks.Has(chunk)) return false;
            data.CopyTo(_data.AsSpan((int)Manifest.ChunkRange(chunk).Start));
            foreach (var peer in _chunks.Received(chunk, from))
                if (_peerFetches.TryGetValue((chunk, peer), out var cts)) redundant.Add(cts);
        }
        // Cancelling runs the fetches' callbacks synchronously: never under the download's lock.
        foreach (var cts in redundant)
        {
            try { cts.Cancel(); }
            catch (ObjectDisposedException) { } // that fetch finished meanwhile
        }
        Arrived();
        return true;
    }

    private void Arrived()
    {
        _progress.OnNext(Unit.Default);
        if (IsComplete) _complete.TrySetResult();
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
        _ticks.Dispose();
        _stop.Cancel();
        lock (_gate) _chunks.CancelAll();
        _complete.TrySetCanceled();
    }
}
