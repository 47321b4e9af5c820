using Spotify.Rx.Swarm.Report;

namespace Spotify.Rx.Swarm.Running;

/// <summary>Sums the clients' latest statuses into one sample of the whole swarm.</summary>
public static class SwarmSampler
{
    public static SwarmSample Aggregate(TimeSpan at, IReadOnlyCollection<PeerStatus> clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        return new SwarmSample(
            at,
            clients.Count,
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
