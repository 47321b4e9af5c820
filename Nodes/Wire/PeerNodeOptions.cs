using System.Net;
using Spotify.Rx.Streams.Gates;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Streams.Rules;

namespace Spotify.Rx.Wire;

/// <summary>How a client takes part in the overlay. The limits default to docs/ARCHITECTURE.md's.</summary>
public sealed record PeerNodeOptions
{
    /// <summary>This client's JWT from the main server; its peer id is the node's identity.</summary>
    public required string Token { get; init; }
    /// <summary>
    /// Where each new HELLO takes its token, dialing or answering. A client's login renews its token
    /// before it expires, and existing connections stay (a token is only checked at HELLO), but a
    /// connection opened after the renewal must carry the new one or the peer refuses it
    /// (<c>Unauthenticated</c>, "token expired"). Its tokens must name the node's peer id.
    /// <c>null</c>: <see cref="Token"/> for the node's whole life.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? TokenSource { get; init; }
    /// <summary>
    /// Where the node listens. <see cref="IPAddress.IPv6Any"/> is every interface, IPv4 and IPv6
    /// (a dual-stack socket; IPv4 only where the host has no IPv6); <see cref="IPAddress.Any"/> every IPv4 one.
    /// </summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;
    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; }
    /// <summary>
    /// The endpoint other peers should dial (a port mapping, one of several interfaces): named in
    /// HELLO (its port) and in HAVE. <c>null</c>: the listening port, at whatever address the peer
    /// sees this node at.
    /// </summary>
    public IPEndPoint? Advertised { get; init; }
    public int MaxConnections { get; init; } = ConnectionGate.SpotifyLimit;
    public int UploadSlots { get; init; } = Streams.Gates.UploadSlots.SpotifyLimit;
    public int DownloadSources { get; init; } = Streams.Gates.DownloadSources.SpotifyLimit;
    public TimeSpan IdleTimeout { get; init; } = IdleDisconnect.Limit;
    /// <summary>How long a write may wait for the peer to read before the peer counts as gone.</summary>
    public TimeSpan WriteStallTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Inbound connections before a valid HELLO, in all (the oldest is evicted past it) and per address (refused past it).</summary>
    public int MaxPendingHandshakes { get; init; } = HandshakeGate.DefaultLimit;
    public int MaxPendingHandshakesPerAddress { get; init; } = HandshakeGate.DefaultPerAddress;
    /// <summary>REQUESTs kept queued per peer: a 100 MB cache's worth of one track is far below it.</summary>
    public int MaxQueuedRequests { get; init; } = 4096;
    /// <summary>
    /// How long a peer that sent a corrupt chunk stays dropped: neither dialed again (by its endpoint)
    /// nor accepted (by its peer id), so a tracker that still lists it cannot bring it back.
    /// </summary>
    public TimeSpan CorruptPeerDrop { get; init; } = TimeSpan.FromHours(1);
    /// <summary>How often the overlay observable re-samples byte counters between opens and closes.</summary>
    public TimeSpan OverlaySampleInterval { get; init; } = TimeSpan.FromSeconds(1);
}
