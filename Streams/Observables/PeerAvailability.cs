using System.Collections.Immutable;
using System.Reactive.Linq;

namespace Spotify.Rx.Streams.Observables;

/// <summary>Peer availability as immutable snapshots, one per change.</summary>
public static class PeerAvailability
{
    /// <summary>
    /// After each change that alters what is known, the new <see cref="PeerSet"/> of the track it
    /// concerns. A peer found twice or lost without being known changes nothing and emits nothing.
    /// </summary>
    public static IObservable<PeerSet> Source(IObservable<PeerChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return changes
            .Scan(
                (Known: ImmutableDictionary<string, PeerSet>.Empty, Changed: (PeerSet?)null),
                (state, change) =>
                {
                    var before = state.Known.GetValueOrDefault(change.TrackId) ?? PeerSet.Empty(change.TrackId);
                    var peers = change.Available ? before.Peers.Add(change.PeerId) : before.Peers.Remove(change.PeerId);
                    if (peers == before.Peers)
                    {
                        return (state.Known, null);
                    }

                    var after = before with { Peers = peers };
                    return (state.Known.SetItem(change.TrackId, after), after);
                })
            .Where(state => state.Changed is not null)
            .Select(state => state.Changed!);
    }

    /// <summary>The snapshots of one track only.</summary>
    public static IObservable<PeerSet> For(string trackId, IObservable<PeerChange> changes) =>
        Source(changes.Where(c => c.TrackId == trackId));
}
