using System.Collections.Immutable;
using System.Net;
using Spotify.Rx.Wire.Protocol;

namespace Spotify.Rx.Wire.Overlay;

public enum ConnectionDirection
{
    Inbound,
    Outbound,
}

/// <summary>One open connection as it was at one moment.</summary>
public sealed record PeerLink(
    string PeerId,
    ConnectionDirection Direction,
    IPEndPoint Remote,
    IPEndPoint ListenEndpoint,
    long BytesIn,
    long BytesOut,
    DateTimeOffset OpenedAt);

/// <summary>A client's overlay at one moment: its open connections, by peer id.</summary>
public sealed record OverlaySnapshot(string LocalPeerId, DateTimeOffset At, ImmutableArray<PeerLink> Links)
{
    public long BytesIn => Links.Sum(l => l.BytesIn);
    public long BytesOut => Links.Sum(l => l.BytesOut);
}

/// <summary>A connection ended, and why. Refusals before a handshake carry no peer id.</summary>
public sealed record ConnectionClosed(string? PeerId, IPEndPoint Remote, ConnectionDirection Direction, CloseReason Reason, string Detail, DateTimeOffset At);

/// <summary>A peer answered BUSY: the request waits in its queue.</summary>
public sealed record PeerBusy(string PeerId, string TrackId, int Index, int QueuePosition);

/// <summary>A peer that has a track fully cached, found by search; <see cref="Hops"/> is 1 or 2.</summary>
public sealed record PeerHave(string TrackId, string PeerId, IPEndPoint Endpoint, int Hops);
