using Spotify.Rx.Client;

namespace Spotify.Rx.Swarm.Report;

/// <summary>A finished play and when it finished, in wall time since the run started.</summary>
public sealed record FinishedPlay(TimeSpan At, PlayReport Play);

/// <summary>
/// One client at one moment of wall time since the run started, as the sampler saw its latest
/// snapshot (every 250 ms). Byte counters are the client's own, cumulative since it joined.
/// </summary>
public sealed record ClientSample(
    TimeSpan At,
    string PeerId,
    string State,
    string? TrackId,
    TimeSpan BufferAhead,
    bool TrackComplete,
    long ServerBytes,
    long PeerBytes,
    long CacheBytes,
    int Connections,
    int Uploads,
    int DownloadSources);

/// <summary>Something that happened to one client: it joined, left, failed, or a rule fired (its last event line).</summary>
public sealed record SwarmEvent(TimeSpan At, string PeerId, string Kind, string Detail);

/// <summary>
/// Everything a run observed, as plain data: the report, the charts and the CSV/JSONL files are
/// made from this alone, whichever way the clients ran (in this process or as processes).
/// </summary>
public sealed record SwarmObservations(
    IReadOnlyList<FinishedPlay> Plays,
    IReadOnlyList<ClientSample> Samples,
    IReadOnlyList<SwarmEvent> Events)
{
    public static readonly SwarmObservations Empty = new([], [], []);
}
