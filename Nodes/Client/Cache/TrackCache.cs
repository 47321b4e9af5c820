using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Subjects;

namespace Spotify.Rx.Client.Cache;

/// <summary>
/// The client's cache of fully downloaded tracks, held in memory and bounded in bytes
/// (100 MB by default). Under <see cref="CachePolicy.Expire30s"/> an entry leaves 30 s after it
/// entered; under <see cref="CachePolicy.Lru"/> it leaves only when space is needed. Either way,
/// space is made by evicting the entry that would leave first. Time comes from the scheduler.
/// </summary>
public sealed class TrackCache : IDisposable
{
    public const long DefaultCapacity = 100_000_000;
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(30);

    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Subject<CacheChange> _changes = new();
    private readonly IScheduler _scheduler;
    private readonly TrackBuffers _buffers;
    private long _used;
    private long _clock;
    private bool _disposed;

    private sealed class Entry(byte[] bytes, long order, IDisposable expiry)
    {
        public byte[] Bytes { get; } = bytes;
        public long Order { get; set; } = order;
        public IDisposable Expiry { get; } = expiry;
    }

    /// <param name="buffers">Where the cached tracks' buffers go back when they leave (an entry holds its buffer).</param>
    public TrackCache(IScheduler scheduler, CachePolicy policy = CachePolicy.Expire30s, long capacity = DefaultCapacity, TimeSpan? lifetime = null,
        TrackBuffers? buffers = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _scheduler = scheduler;
        _buffers = buffers ?? TrackBuffers.Shared;
        Policy = policy;
        Capacity = capacity;
        Lifetime = lifetime ?? DefaultLifetime;
    }

    public CachePolicy Policy { get; }
    public long Capacity { get; }
    public TimeSpan Lifetime { get; }

    /// <summary>The pool the cached tracks' buffers come from and go back to.</summary>
    public TrackBuffers Buffers => _buffers;

    /// <summary>Every entry and departure, in order; subscribe before the first play to see them all.</summary>
    public IObservable<CacheChange> Changes => _changes;

    public long UsedBytes { get { lock (_gate) return _used; } }

    public IReadOnlyList<string> TrackIds { get { lock (_gate) return _entries.Keys.ToArray(); } }

    /// <summary>The cached tracks from the one that would leave first to the most recently used.</summary>
    public IReadOnlyList<string> TrackIdsByRecency { get { lock (_gate) return _entries.OrderBy(kv => kv.Value.Order).Select(kv => kv.Key).ToArray(); } }

    /// <summary>
    /// The track's bytes if cached, without counting as a use, held for the caller: they stay this
    /// track's until the caller gives them back with <see cref="Release"/>, whatever the cache does meanwhile.
    /// </summary>
    public bool TryTake(string trackId, out byte[] bytes)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(trackId, out var e) && _buffers.TryHold(e.Bytes))
            {
                bytes = e.Bytes;
                return true;
            }
        }
        bytes = [];
        return false;
    }

    /// <summary>Gives back bytes taken with <see cref="TryTake"/> or <see cref="TryUse"/>.</summary>
    public void Release(byte[] bytes) => _buffers.Release(bytes);

    /// <summary>A copy of the track's bytes if cached (not a use).</summary>
    public byte[]? CopyOf(string trackId)
    {
        lock (_gate) return _entries.TryGetValue(trackId, out var e) ? e.Bytes.ToArray() : null;
    }

    public bool Contains(string trackId) { lock (_gate) return _entries.ContainsKey(trackId); }

    /// <summary>
    /// Puts a fully downloaded track in the cache, evicting others if space is needed. A track
    /// larger than the whole cache is refused. Adding a track already there renews its entry.
    /// </summary>
    public bool TryAdd(string trackId, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.LongLength > Capacity) return false;
        var changes = new List<CacheChange>();
        lock (_gate)
        {
            // The entry's own hold; a buffer already back in the pool is not this track's any more.
            if (!_buffers.TryHold(bytes)) return false;
            if (_entries.Remove(trackId, out var old))
            {
                // A renewal: no change is reported, the tracker registration simply stays.
                old.Expiry.Dispose();
                _used -= old.Bytes.LongLength;
                _buffers.Release(old.Bytes);
                Insert(trackId, bytes);
                return true;
            }
            while (_used + bytes.LongLength > Capacity)
            {
                var victim = _entries.MinBy(kv => kv.Value.Order);
                Remove(victim.Key, changes);
            }
            Insert(trackId, bytes);
            changes.Add(new CacheChange(CacheChangeKind.Added, trackId, bytes.LongLength));
        }
        Publish(changes);
        return true;
    }

    /// <summary>
    /// The track's bytes, if cached, held for the caller until <see cref="Release"/>; under LRU a read
    /// makes it the most recently used.
    /// </summary>
    public bool TryUse(string trackId, out byte[] bytes)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(trackId, out var e) && _buffers.TryHold(e.Bytes))
            {
                if (Policy == CachePolicy.Lru) e.Order = ++_clock;
                bytes = e.Bytes;
                return true;
            }
        }
        bytes = [];
        return false;
    }

    /// <summary>
    /// One chunk of a cached track, for a peer that asked for it; null if the track is not here. Under
    /// LRU a peer's read is a use like the player's: a track the swarm keeps asking for stays. A copy:
    /// the entry may leave and its buffer serve another track while the chunk is on its way.
    /// </summary>
    public ReadOnlyMemory<byte>? ReadChunk(string trackId, int index, int chunkSize)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(trackId, out var e)) return null;
            long start = (long)index * chunkSize;
            if (index < 0 || start >= e.Bytes.LongLength) return null;
            if (Policy == CachePolicy.Lru) e.Order = ++_clock;
            var chunk = e.Bytes.AsSpan((int)start, (int)Math.Min(chunkSize, e.Bytes.LongLength - start));
            // Not zeroed first: the copy fills all of it.
            var copy = GC.AllocateUninitializedArray<byte>(chunk.Length);
            chunk.CopyTo(copy);
            return copy;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var e in _entries.Values)
            {
                e.Expiry.Dispose();
                _buffers.Release(e.Bytes);
            }
            _entries.Clear();
            _used = 0;
        }
        _changes.OnCompleted();
        _changes.Dispose();
    }

    private void Insert(string trackId, byte[] bytes)
    {
        IDisposable expiry = Disposable.Empty;
        if (Policy == CachePolicy.Expire30s)
        {
            expiry = _scheduler.Schedule(Lifetime, () => Expire(trackId, bytes));
        }
        // Under the expiry policy the order is that of entry, so the entry that would expire first is evicted first.
        _entries[trackId] = new Entry(bytes, ++_clock, expiry);
        _used += bytes.LongLength;
    }

    private void Expire(string trackId, byte[] bytes)
    {
        var changes = new List<CacheChange>();
        lock (_gate)
        {
            // Only the entry this timer was set for; a renewed entry has its own timer.
            if (_entries.TryGetValue(trackId, out var e) && ReferenceEquals(e.Bytes, bytes)) Remove(trackId, changes);
        }
        Publish(changes);
    }

    private void Remove(string trackId, List<CacheChange> changes)
    {
        if (!_entries.Remove(trackId, out var e)) return;
        e.Expiry.Dispose();
        _buffers.Release(e.Bytes);
        _used -= e.Bytes.LongLength;
        changes.Add(new CacheChange(CacheChangeKind.Removed, trackId, e.Bytes.LongLength));
    }

    private void Publish(List<CacheChange> changes)
    {
        foreach (var c in changes) _changes.OnNext(c);
    }
}
