namespace Spotify.Rx.Swarm.Report;

/// <summary>
/// The whole swarm at one moment of wall time since the run started, summed over the clients'
/// latest snapshots. Byte counters are cumulative. <see cref="MaxConnections"/> and
/// <see cref="MaxUploads"/> are the busiest single client, to compare with the limits (60, 4).
/// </summary>
public sealed record SwarmSample(
    TimeSpan At,
    int Clients,
    int Playing,
    int Stalled,
    int Connections,
    int Uploads,
    int DownloadSources,
    int MaxConnections,
    int MaxUploads,
    long ServerBytes,
    long PeerBytes,
    long CacheBytes);
