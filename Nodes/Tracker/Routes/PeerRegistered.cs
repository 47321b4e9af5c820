namespace Spotify.Rx.Tracker.Routes;

/// <summary>Answer to a PUT: the registration as stored, and when it lapses unless renewed.</summary>
public sealed record PeerRegistered(string TrackId, string PeerId, string Endpoint, DateTimeOffset Expires);
