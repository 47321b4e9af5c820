using Spotify.Rx.Common.Contracts;

namespace Spotify.Rx.Tracker;

/// <summary>
/// Picks the peers a lookup returns: at most PeersPerLookup of the track's recent registrations,
/// never the caller, in random order, so the load of a popular track spreads over its peers
/// instead of landing on the newest ones.
/// </summary>
public sealed class PeerSampler(Random random, int peersPerLookup)
{
    public IReadOnlyList<PeerInfo> Draw(IReadOnlyList<PeerInfo> recent, string callerPeerId)
    {
        var pool = new PeerInfo[recent.Count];
        var n = 0;
        foreach (var peer in recent)
            if (peer.PeerId != callerPeerId) pool[n++] = peer;

        var take = Math.Min(n, peersPerLookup);
        // Partial Fisher-Yates: the first `take` slots become a uniform random sample of the pool.
        // Random is not thread-safe and requests run in parallel; the lock is held for a handful of draws.
        lock (random)
        {
            for (var i = 0; i < take; i++)
            {
                var j = random.Next(i, n);
                (pool[i], pool[j]) = (pool[j], pool[i]);
            }
        }
        return take == pool.Length ? pool : pool[..take];
    }
}
