using Spotify.Rx.Client;
using System.Net;
using Spotify.Rx.Swarm.Report;

namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// A client as the swarm drives it: the runner, the live view and the report see only this, so
/// they work the same for a client node in this process and for one behind a process boundary.
/// </summary>
public interface ISwarmClient : IAsyncDisposable
{
    string PeerId { get; }
    IPEndPoint Endpoint { get; }
    IObservable<PeerStatus> Status { get; }
    IObservable<PlayReport> Plays { get; }
    Task PlayAsync(IReadOnlyList<PlaylistEntry> playlist, CancellationToken ct);
    void AddNeighbour(IPEndPoint peer);
}

/// <summary>A track and where to start it.</summary>
public sealed record PlaylistEntry(string TrackId, TimeSpan StartAt);
