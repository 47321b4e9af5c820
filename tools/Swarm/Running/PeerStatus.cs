namespace Spotify.Rx.Swarm.Running;

/// <summary>What the live view and the sampler need of one client's latest snapshot.</summary>
public sealed record PeerStatus(
    string PeerId,
    string? TrackId,
    TimeSpan Position,
    TimeSpan BufferAhead,
    bool TrackComplete,
    string State,
    string? Source,
    long ServerBytes,
    long PeerBytes,
    long CacheBytes,
    int Connections,
    int Uploads,
    int DownloadSources,
    string? LastEvent)
{
    public static PeerStatus Idle(string peerId) =>
        new(peerId, null, TimeSpan.Zero, TimeSpan.Zero, false, "Idle", null, 0, 0, 0, 0, 0, 0, null);

    /// <summary>The state of a client that has left the swarm.</summary>
    public const string LeftState = "Left";

    public bool IsPlaying => State == "Playing";
    public bool IsStalled => State == "Underrun";
}
