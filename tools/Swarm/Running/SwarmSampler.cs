using Spotify.Rx.Swarm.Report;

namespace Spotify.Rx.Swarm.Running;

/// <summary>Sums the clients' latest statuses into one sample of the whole swarm.</summary>
public static class SwarmSampler
{
    /// <summary>One client's sample: what the report's per-client figures, samples.csv and the heat map are made of.</summary>
    public static ClientSample Of(TimeSpan at, PeerStatus c) =>
        new(at, c.PeerId, c.State, c.TrackId, c.BufferAhead, c.TrackComplete, c.ServerBytes, c.PeerBytes, c.CacheBytes, c.Connections, c.Uploads, c.DownloadSources);

    public static SwarmSample Aggregate(TimeSpan at, IReadOnlyCollection<PeerStatus> clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new SwarmSample(
            at,
            clients.Count(c => c.State != PeerStatus.LeftState),
            clients.Count(c => c.IsPlaying),
            clients.Count(c => c.IsStalled),
            clients.Sum(c => c.Connections),
            clients.Sum(c => c.Uploads),
            clients.Sum(c => c.DownloadSources),
            clients.Count == 0 ? 0 : clients.Max(c => c.Connections),
            clients.Count == 0 ? 0 : clients.Max(c => c.Uploads),
            clients.Sum(c => c.ServerBytes),
            clients.Sum(c => c.PeerBytes),
            clients.Sum(c => c.CacheBytes));
    }
}
