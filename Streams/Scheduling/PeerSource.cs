namespace Spotify.Rx.Streams.Scheduling;

/// <summary>
/// A peer that has the track, with the throughput measured on its connection
/// (0 when nothing has been measured yet).
/// </summary>
public sealed record PeerSource(string PeerId, double BytesPerSecond = 0);
