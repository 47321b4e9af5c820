namespace Spotify.Rx.Swarm.Report;

/// <summary>
/// What one finished play told the swarm (the client's PlayReport, kept in the report's own
/// terms so the report does not depend on a running node).
/// </summary>
public sealed record PlayOutcome(
    string PeerId,
    string TrackId,
    TimeSpan StartAt,
    TimeSpan TimeToFirstAudio,
    int Pauses,
    int Stutters,
    long ServerBytes,
    long PeerBytes,
    long CacheBytes,
    bool RandomAccess);

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
