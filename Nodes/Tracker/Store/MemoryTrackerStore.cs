using System.Collections.Concurrent;
using Spotify.Rx.Common.Contracts;

namespace Spotify.Rx.Tracker.Store;

/// <summary>
/// The default store: one small list per track in this process. Memory stays bounded: a track holds
/// at most KeepPerTrack entries, and once per lifetime a sweep drops tracks whose entries all expired.
/// </summary>
public sealed class MemoryTrackerStore(TrackerLimits limits, TimeProvider time) : ITrackerStore
{
    private readonly ConcurrentDictionary<string, Swarm> _tracks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Holdings> _peers = new(StringComparer.Ordinal);
    private long _nextSweepTicks = time.GetUtcNow().Add(limits.RegistrationLifetime).UtcTicks;

    public bool IsAvailable => true;

    /// <summary>Tracks currently held, for the memory-bound tests.</summary>
    public int TrackCount => _tracks.Count;

    public ValueTask<bool> RegisterAsync(string trackId, PeerInfo peer, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        while (true)
        {
            var holdings = _peers.GetOrAdd(peer.PeerId, static _ => new Holdings());
            lock (holdings)
            {
                if (holdings.Retired) continue;
                if (!holdings.TryHold(trackId, now, limits)) return new(false);
                break;
            }
        }
        while (true)
        {
            var swarm = _tracks.GetOrAdd(trackId, static _ => new Swarm());
            lock (swarm)
            {
                // A sweep retired this swarm between GetOrAdd and the lock: take the fresh one instead.
                if (swarm.Retired) continue;
                swarm.Register(peer, now, limits);
                break;
            }
        }
        SweepIfDue(now);
        return new(true);
    }

    public ValueTask<bool> RemoveAsync(string trackId, string peerId, CancellationToken ct = default)
    {
        if (_peers.TryGetValue(peerId, out var holdings))
            lock (holdings) holdings.Release(trackId);
        if (!_tracks.TryGetValue(trackId, out var swarm)) return new(false);
        var now = time.GetUtcNow();
        lock (swarm) return new(swarm.Remove(peerId, now, limits));
    }

    public ValueTask<IReadOnlyList<PeerInfo>> RecentAsync(string trackId, CancellationToken ct = default)
    {
        if (!_tracks.TryGetValue(trackId, out var swarm)) return new(Array.Empty<PeerInfo>());
        var now = time.GetUtcNow();
        lock (swarm) return new(swarm.Live(now, limits));
    }

    public ValueTask<int> StoredCountAsync(string trackId, CancellationToken ct = default)
    {
        if (!_tracks.TryGetValue(trackId, out var swarm)) return new(0);
        lock (swarm) return new(swarm.Count);
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due) return;
        // One caller wins the sweep; the others go on without waiting for it.
        if (Interlocked.CompareExchange(ref _nextSweepTicks, now.Add(limits.RegistrationLifetime).UtcTicks, due) != due) return;
        foreach (var (trackId, swarm) in _tracks)
        {
            lock (swarm)
            {
                swarm.DropExpired(now, limits);
                if (swarm.Count > 0) continue;
                swarm.Retired = true;
            }
            _tracks.TryRemove(new KeyValuePair<string, Swarm>(trackId, swarm));
        }
        foreach (var (peerId, holdings) in _peers)
        {
            lock (holdings)
            {
                holdings.DropExpired(now, limits);
                if (holdings.Count > 0) continue;
                holdings.Retired = true;
            }
            _peers.TryRemove(new KeyValuePair<string, Holdings>(peerId, holdings));
        }
    }

    /// <summary>Which tracks one peer holds and since when; every member is used under its lock.</summary>
    private sealed class Holdings
    {
        private readonly Dictionary<string, DateTimeOffset> _since = new(StringComparer.Ordinal);
        public bool Retired;
        public int Count => _since.Count;

        public bool TryHold(string trackId, DateTimeOffset now, TrackerLimits limits)
        {
            if (!_since.ContainsKey(trackId) && _since.Count >= limits.TracksPerPeer)
            {
                DropExpired(now, limits);
                if (_since.Count >= limits.TracksPerPeer) return false;
            }
            _since[trackId] = now;
            return true;
        }

        public void Release(string trackId) => _since.Remove(trackId);

        public void DropExpired(DateTimeOffset now, TrackerLimits limits)
        {
            var oldestAlive = now - limits.RegistrationLifetime;
            foreach (var (trackId, at) in _since)
                if (at <= oldestAlive) _since.Remove(trackId);
        }
    }

    /// <summary>One track's registrations, oldest first; every member is used under the swarm's lock.</summary>
    private sealed class Swarm
    {
        private readonly List<(PeerInfo Peer, DateTimeOffset At)> _entries = new(4);
        public bool Retired;
        public int Count => _entries.Count;

        public void Register(PeerInfo peer, DateTimeOffset now, TrackerLimits limits)
        {
            _entries.RemoveAll(e => e.Peer.PeerId == peer.PeerId);
            DropExpired(now, limits);
            _entries.Add((peer, now));
            if (_entries.Count > limits.KeepPerTrack) _entries.RemoveRange(0, _entries.Count - limits.KeepPerTrack);
        }

        public bool Remove(string peerId, DateTimeOffset now, TrackerLimits limits)
        {
            DropExpired(now, limits);
            return _entries.RemoveAll(e => e.Peer.PeerId == peerId) > 0;
        }

        public PeerInfo[] Live(DateTimeOffset now, TrackerLimits limits)
        {
            var oldestAlive = now - limits.RegistrationLifetime;
            var live = 0;
            for (var i = _entries.Count - 1; i >= 0 && _entries[i].At > oldestAlive; i--) live++;
            var peers = new PeerInfo[live];
            for (var i = 0; i < live; i++) peers[i] = _entries[_entries.Count - 1 - i].Peer;
            return peers;
        }

        public void DropExpired(DateTimeOffset now, TrackerLimits limits)
        {
            var oldestAlive = now - limits.RegistrationLifetime;
            var expired = 0;
            while (expired < _entries.Count && _entries[expired].At <= oldestAlive) expired++;
            if (expired > 0) _entries.RemoveRange(0, expired);
        }
    }
}
