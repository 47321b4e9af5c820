namespace Spotify.Rx.Common.Contracts;

// The JSON shapes spoken between nodes over HTTP (camelCase on the wire).

public sealed record TokenRequest(string User, string Password, string PeerId);

/// <summary><c>AudioUrl</c>: the main server's sendfile audio endpoint (same <c>/tracks/{id}/audio</c>, same token), when it runs one.</summary>
public sealed record TokenResponse(string Token, DateTimeOffset Expires, string? AudioUrl = null);

public sealed record TrackSummary(string Id, string Title, string Artist, double DurationSeconds, long ByteLength);

public sealed record TrackPage(int Page, int PageSize, int Total, IReadOnlyList<TrackSummary> Items);

/// <summary>Body of the tracker's PUT: the client's listening endpoint as <c>host:port</c>.</summary>
public sealed record PeerRegistration(string Endpoint);

public sealed record PeerInfo(string PeerId, string Endpoint);

public sealed record PeerList(string TrackId, IReadOnlyList<PeerInfo> Peers);
