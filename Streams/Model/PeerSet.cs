using System.Collections.Immutable;

namespace Spotify.Rx.Streams;

/// <summary>An immutable snapshot of the peers known to have one track.</summary>
public sealed record PeerSet(string TrackId, ImmutableSortedSet<string> Peers)
{
    public static PeerSet Empty(string trackId) => new(trackId, ImmutableSortedSet<string>.Empty);

    public static PeerSet Of(string trackId, params string[] peers) => new(trackId, ImmutableSortedSet.CreateRange(StringComparer.Ordinal, peers));

    public int Count => Peers.Count;

    // Two snapshots with the same peers are the same snapshot, however the sets were built.
    public bool Equals(PeerSet? other) =>
        other is not null && TrackId == other.TrackId && Peers.SetEquals(other.Peers);

    public override int GetHashCode() => HashCode.Combine(TrackId, Peers.Count);

    public override string ToString() => $"{TrackId}: [{string.Join(", ", Peers)}]";
}
