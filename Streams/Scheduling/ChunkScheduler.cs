using System.Reactive.Concurrency;

namespace Spotify.Rx.Streams.Scheduling;

/// <summary>
/// Piece picking for one track (docs/ARCHITECTURE.md rules 2–4), kept apart from the connections the way
/// MonoTorrent keeps its pickers apart: it knows which chunks are held and in flight, and
/// decides which missing chunk is asked of which peer (or of the server) next. It does no I/O;
/// the engine reports arrivals and failures and carries out the decisions. Time comes from the
/// <see cref="IScheduler"/> only, to judge when a peer holds a chunk up for too long.
/// </summary>
public sealed class ChunkScheduler
{
    private readonly bool[] _have;
    private readonly Dictionary<int, List<Request>> _inFlight = new();
    private readonly int _chunkSize;
    private readonly double _audioBytesPerSecond;
    private readonly IScheduler _clock;
    private int _haveCount;

    private readonly record struct Request(string? Peer, DateTimeOffset Deadline);

    public ChunkScheduler(int chunkCount, int chunkSize, double audioBytesPerSecond, IScheduler clock, ChunkSchedulerOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunkCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(audioBytesPerSecond);
        ArgumentNullException.ThrowIfNull(clock);
        _have = new bool[chunkCount];
        _chunkSize = chunkSize;
        _audioBytesPerSecond = audioBytesPerSecond;
        _clock = clock;
        Options = options ?? new ChunkSchedulerOptions();
    }

    public ChunkSchedulerOptions Options { get; }
    public int ChunkCount => _have.Length;
    public int HaveCount => _haveCount;
    public bool Complete => _haveCount == _have.Length;

    public bool Has(int chunk) => _have[chunk];

    public bool IsInFlight(int chunk) => _inFlight.ContainsKey(chunk);

    /// <summary>Whether the server has been asked for <paramref name="chunk"/> and not answered yet (peers may be asked too).</summary>
    public bool IsAskedOfServer(int chunk) => _inFlight.TryGetValue(chunk, out var requests) && requests.Exists(r => r.Peer is null);

    /// <summary>The first chunk at or after <paramref name="chunk"/> that is not held (<see cref="ChunkCount"/> if none).</summary>
    public int ContiguousEnd(int chunk)
    {
        var c = Math.Max(0, chunk);
        while (c < _have.Length && _have[c]) c++;
        return c;
    }

    /// <summary>
    /// The next moment a peer's request becomes late (and so a new decision is due), or null when
    /// no peer request will: the engine wakes up then instead of polling. A request already late
    /// was judged at the decision that followed its deadline.
    /// </summary>
    public DateTimeOffset? NextDeadline
    {
        get
        {
            var now = _clock.Now;
            DateTimeOffset? soonest = null;
            foreach (var list in _inFlight.Values)
                foreach (var r in list)
                    if (r.Peer is not null && r.Deadline > now && (soonest is null || r.Deadline < soonest)) soonest = r.Deadline;
            return soonest;
        }
    }

    /// <summary>How many chunks are asked of <paramref name="peer"/> (null: the server) and not yet arrived.</summary>
    public int InFlightTo(string? peer) => _inFlight.Values.Sum(list => list.Count(r => r.Peer == peer));

    /// <summary>How many chunks cover <paramref name="audio"/> of this track's constant bit rate.</summary>
    public int ChunksFor(TimeSpan audio) => (int)Math.Ceiling(audio.TotalSeconds * _audioBytesPerSecond / _chunkSize);

    /// <summary>A chunk that is already here (the cache, or a part read before): never asked for.</summary>
    public void MarkHave(int chunk)
    {
        if (_have[chunk]) return;
        _have[chunk] = true;
        _haveCount++;
        _inFlight.Remove(chunk);
    }

    /// <summary>
    /// A verified chunk arrived from <paramref name="from"/> (null: the server or the cache).
    /// Returns the other peers still asked for it, so the engine can CANCEL their duplicate requests.
    /// </summary>
    public IReadOnlyList<string> Received(int chunk, string? from = null)
    {
        var others = _inFlight.TryGetValue(chunk, out var list)
            ? list.Where(r => r.Peer is not null && r.Peer != from).Select(r => r.Peer!).ToArray()
            : [];
        MarkHave(chunk);
        return others;
    }

    /// <summary>A request failed (bad hash, error, cancel): the chunk is missing again unless someone else has it in hand.</summary>
    public void Failed(int chunk, string? peer)
    {
        if (!_inFlight.TryGetValue(chunk, out var list)) return;
        list.RemoveAll(r => r.Peer == peer);
        if (list.Count == 0) _inFlight.Remove(chunk);
    }

    /// <summary>A peer went away (closed, dropped for corrupt data): everything asked of it is missing again.</summary>
    public IReadOnlyList<int> PeerLost(string peer)
    {
        var lost = _inFlight.Where(kv => kv.Value.Any(r => r.Peer == peer)).Select(kv => kv.Key).ToArray();
        foreach (var chunk in lost) Failed(chunk, peer);
        return lost;
    }

    /// <summary>
    /// Records a server request the rules made directly (the random-access start's 15 s, the
    /// server prefetch), so the chunks it covers are not asked of anyone else meanwhile.
    /// </summary>
    public void RequestedFromServer(int first, int count)
    {
        for (var chunk = Math.Max(0, first); chunk < Math.Min(_have.Length, first + count); chunk++)
        {
            if (_have[chunk]) continue;
            if (!_inFlight.TryGetValue(chunk, out var list)) _inFlight[chunk] = list = new List<Request>(2);
            if (!list.Any(r => r.Peer is null)) list.Add(new Request(null, DateTimeOffset.MaxValue));
        }
    }

    /// <summary>Forgets every request in flight (the track changed or the engine stops).</summary>
    public void CancelAll() => _inFlight.Clear();

    /// <summary>
    /// Decides the next requests and records them as in flight. <paramref name="playheadChunk"/> is
    /// the chunk the player reads now; <paramref name="peers"/> are those known to have the track.
    /// </summary>
    public IReadOnlyList<ChunkAssignment> Next(int playheadChunk, IReadOnlyList<PeerSource> peers, FetchMode mode)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var playhead = Math.Clamp(playheadChunk, 0, Math.Max(0, _have.Length - 1));
        var decided = new List<ChunkAssignment>();
        if (Complete) return decided;

        var serverIdle = InFlightTo(null) == 0;
        switch (mode)
        {
            case FetchMode.ServerOnly:
                // Rule 4: the whole remaining track from the server, peers' requests included.
                if (serverIdle) ServerRun(PlaybackOrder(playhead), Options.MaxServerRun, includePeerRequests: true, decided);
                break;
            case FetchMode.ServerFallback:
                // Rule 3: the next 15 s after the contiguous data; peers get nothing new meanwhile.
                if (serverIdle)
                {
                    var start = ContiguousEnd(playhead);
                    var end = Math.Min(_have.Length, start + ChunksFor(Options.FallbackWindow));
                    ServerRun(Range(start, end), int.MaxValue, includePeerRequests: true, decided);
                }
                break;
            case FetchMode.PeersOnly:
                PickFromPeers(playhead, peers, serverIdle, decided, serverAllowed: false);
                break;
            case FetchMode.Suspended:
                break;
            default:
                PickFromPeers(playhead, peers, serverIdle, decided, serverAllowed: true);
                break;
        }

        var now = _clock.Now;
        foreach (var a in decided) Record(a, now, peers);
        return decided;
    }

    private void PickFromPeers(int playhead, IReadOnlyList<PeerSource> peers, bool serverIdle, List<ChunkAssignment> decided, bool serverAllowed)
    {
        var sources = ChooseSources(peers);
        var load = sources.ToDictionary(p => p.PeerId, p => InFlightTo(p.PeerId));
        var horizonEnd = Math.Min(_have.Length, playhead + ChunksFor(Options.ServerHorizon));
        var urgentEnd = Math.Min(_have.Length, playhead + ChunksFor(Options.UrgentHorizon));
        var now = _clock.Now;

        // A chunk a slow peer holds up: the server once it is urgent, otherwise one more peer.
        foreach (var chunk in PlaybackOrder(playhead).Where(c => _inFlight.ContainsKey(c)).ToArray())
        {
            var requests = _inFlight[chunk];
            if (requests.Any(r => r.Peer is null || r.Deadline > now)) continue;
            var urgent = InWindow(chunk, playhead, urgentEnd);
            if (urgent && serverIdle && serverAllowed)
            {
                decided.Add(ChunkAssignment.Server(chunk, retry: true));
            }
            else if (requests.Count < 2)
            {
                var asked = requests.Select(r => r.Peer).ToHashSet();
                var peer = Soonest(sources, load, exclude: asked);
                if (peer is null) continue;
                load[peer.PeerId]++;
                decided.Add(new ChunkAssignment(chunk, peer.PeerId, Retry: true));
            }
        }

        if (sources.Count == 0)
        {
            // Nobody to ask yet (random-access start, or no peer has the track): nothing beyond rule 1's
            // window, so the peers found meanwhile carry the rest; if none are, rule 3 asks the server for
            // the next 15 s once the buffer is below 10 s. (Keeping the server 15 s ahead as the playhead
            // moved cost an HTTP request per 16 KiB chunk and kept rule 3 from ever judging.) Once the
            // playhead's 15 s are here, the part before a random-access start follows, so the play leaves
            // a whole track that the cache keeps and the overlay serves.
            if (serverAllowed && serverIdle && ContiguousEnd(playhead) >= horizonEnd)
                ServerRun(Range(0, playhead), Options.MaxServerRun, includePeerRequests: false, decided);
            return;
        }

        foreach (var chunk in PlaybackOrder(playhead))
        {
            if (_have[chunk] || _inFlight.ContainsKey(chunk)) continue;
            var peer = Soonest(sources, load, exclude: null);
            if (peer is null) break;
            load[peer.PeerId]++;
            decided.Add(new ChunkAssignment(chunk, peer.PeerId));
        }
    }

    /// <summary>Peers already at work stay sources; free places go to the fastest of the rest, at most five in all.</summary>
    private List<PeerSource> ChooseSources(IReadOnlyList<PeerSource> peers)
    {
        var distinct = peers.DistinctBy(p => p.PeerId).ToList();
        var busy = distinct.Where(p => InFlightTo(p.PeerId) > 0);
        var idle = distinct.Where(p => InFlightTo(p.PeerId) == 0).OrderByDescending(Rate);
        return busy.Concat(idle).Take(Options.MaxSources).ToList();
    }

    private PeerSource? Soonest(List<PeerSource> sources, Dictionary<string, int> load, HashSet<string?>? exclude)
    {
        PeerSource? best = null;
        var bestTime = double.MaxValue;
        foreach (var p in sources)
        {
            if (exclude?.Contains(p.PeerId) == true || load[p.PeerId] >= Options.PipelinePerPeer) continue;
            var t = Expected(p, load[p.PeerId]);
            if (t < bestTime) (best, bestTime) = (p, t);
        }
        return best;
    }

    private double Rate(PeerSource p) => p.BytesPerSecond > 0 ? p.BytesPerSecond : Options.AssumedBytesPerSecond;

    /// <summary>Seconds until a new request to <paramref name="p"/> is delivered, behind the ones it already has.</summary>
    private double Expected(PeerSource p, int queued) => (queued + 1) * (double)_chunkSize / Rate(p);

    private void ServerRun(IEnumerable<int> order, int max, bool includePeerRequests, List<ChunkAssignment> decided)
    {
        // One range request: a contiguous run starting at the most urgent chunk the server does not already have in hand.
        int? previous = null;
        foreach (var chunk in order)
        {
            var wanted = !_have[chunk] && !(_inFlight.TryGetValue(chunk, out var r) && (!includePeerRequests || r.Any(x => x.Peer is null)));
            if (previous is null)
            {
                if (!wanted) continue;
            }
            else if (!wanted || chunk != previous + 1 || decided.Count >= max)
            {
                break;
            }
            decided.Add(ChunkAssignment.Server(chunk, retry: _inFlight.ContainsKey(chunk)));
            previous = chunk;
        }
    }

    private void Record(ChunkAssignment a, DateTimeOffset now, IReadOnlyList<PeerSource> peers)
    {
        if (!_inFlight.TryGetValue(a.Chunk, out var list)) _inFlight[a.Chunk] = list = new List<Request>(2);
        var deadline = DateTimeOffset.MaxValue;
        if (a.Peer is not null)
        {
            var peer = peers.First(p => p.PeerId == a.Peer);
            var expected = TimeSpan.FromSeconds(Options.LateFactor * Expected(peer, InFlightTo(a.Peer)));
            deadline = now + (expected > Options.MinDeadline ? expected : Options.MinDeadline);
        }
        list.Add(new Request(a.Peer, deadline));
    }

    private IEnumerable<int> PlaybackOrder(int playhead) => Range(playhead, _have.Length).Concat(Range(0, playhead));

    private static IEnumerable<int> Range(int start, int end) => Enumerable.Range(start, Math.Max(0, end - start));

    private static bool InWindow(int chunk, int start, int end) => chunk >= start && chunk < end;
}
