namespace Spotify.Rx.Common.Contracts;

// The JSON shapes spoken between nodes over HTTP (camelCase on the wire).

/// <summary><c>PeerId</c>: a device name (signed as <c>user.device</c>) or <c>user.device</c> itself.</summary>
public sealed record TokenRequest(string User, string Password, string PeerId);

/// <summary>
/// <c>AudioUrl</c>: the main server's sendfile audio endpoint (same <c>/tracks/{id}/audio</c>, same token), when it runs one.
/// <c>PeerId</c>: the peer id the token is for, the requested device name under the caller's account (<c>user.device</c>).
/// </summary>
public sealed record TokenResponse(string Token, DateTimeOffset Expires, string? AudioUrl = null, string? PeerId = null);

public sealed record TrackSummary(string Id, string Title, string Artist, double DurationSeconds, long ByteLength);

public sealed record TrackPage(int Page, int PageSize, int Total, IReadOnlyList<TrackSummary> Items);

/// <summary>Body of the tracker's PUT: the client's listening endpoint as <c>host:port</c>.</summary>
public sealed record PeerRegistration(string Endpoint);

public sealed record PeerInfo(string PeerId, string Endpoint);

public sealed record PeerList(string TrackId, IReadOnlyList<PeerInfo> Peers);
