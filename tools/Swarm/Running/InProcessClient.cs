using System.Net;
using Spotify.Rx.Client;
using Spotify.Rx.Swarm.Report;

namespace Spotify.Rx.Swarm.Running;

/// <summary>A client node in this process, seen as the swarm sees a client.</summary>
public sealed class InProcessClient(ClientNode node) : ISwarmClient
{
    public string PeerId => node.PeerId;
    public IPEndPoint Endpoint => node.Endpoint;

    public PeerStatus Status => ToStatus(node.Snapshot());

    public IObservable<PlayReport> Plays => node.Plays;

    public Task PlayAsync(IReadOnlyList<PlaylistEntry> playlist, CancellationToken ct) =>
        node.PlayAsync(playlist.Select(e => new PlayItem(e.TrackId, e.StartAt)).ToList(), ct);

    public void AddNeighbour(IPEndPoint peer) => node.AddNeighbour(peer);

    public ValueTask DisposeAsync() => node.DisposeAsync();

    public static PeerStatus ToStatus(ClientSnapshot s) => new(
        s.PeerId,
        s.TrackId,
        s.Position,
        s.Level.Ahead,
        s.Level.TrackComplete,
        s.State.ToString(),
        s.Source?.ToString(),
        s.ServerBytes,
        s.PeerBytes,
        s.CacheBytes,
        s.Connections,
        s.Uploads,
        s.DownloadSources,
        s.RecentEvents.Count > 0 ? s.RecentEvents[^1] : null);
}
