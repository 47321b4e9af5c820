namespace Spotify.Rx.Streams.Decisions;

/// <summary>A step of the random-access start of one track (docs/ARCHITECTURE.md rule 1).</summary>
public abstract record StartStep(string TrackId);

/// <summary>Ask the main server for <paramref name="Length"/> of audio of the track from <paramref name="From"/>.</summary>
public sealed record FetchFromServer(string TrackId, TimeSpan From, TimeSpan Length) : StartStep(TrackId);

/// <summary>Ask the tracker for up to <paramref name="MaxPeers"/> peers that have the track.</summary>
public sealed record AskTracker(string TrackId, int MaxPeers) : StartStep(TrackId);

/// <summary>Send a SEARCH for the track to the overlay neighbours, passed on for <paramref name="Hops"/> hops.</summary>
public sealed record SearchNeighbours(string TrackId, int Hops) : StartStep(TrackId);

/// <summary>Enough audio is buffered to decode the first packet: start the player at <paramref name="Position"/>.</summary>
public sealed record StartPlayback(string TrackId, TimeSpan Position) : StartStep(TrackId);
