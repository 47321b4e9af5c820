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
    /// <summary>
    /// The client as it is now, read when the swarm takes a sample: a client in this process is asked
    /// then (a status pushed every few hundred ms by each of hundreds of clients cost a timer firing and
    /// a turn of its loop each time); a client on a host answers with the last status its host sent.
    /// </summary>
    PeerStatus Status { get; }
    IObservable<PlayReport> Plays { get; }
    Task PlayAsync(IReadOnlyList<PlaylistEntry> playlist, CancellationToken ct);
    void AddNeighbour(IPEndPoint peer);
}

/// <summary>A track and where to start it.</summary>
public sealed record PlaylistEntry(string TrackId, TimeSpan StartAt);
