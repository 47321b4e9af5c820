namespace Spotify.Rx.Streams;

/// <summary>
/// A peer became able (<paramref name="Available"/>) or unable to serve a track: the tracker or
/// a neighbour search named it, or it said it no longer has the track, or its connection closed.
/// </summary>
public sealed record PeerChange(string TrackId, string PeerId, bool Available)
{
    public static PeerChange Found(string trackId, string peerId) => new(trackId, peerId, true);

    public static PeerChange Lost(string trackId, string peerId) => new(trackId, peerId, false);
}
