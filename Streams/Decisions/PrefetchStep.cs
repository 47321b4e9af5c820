namespace Spotify.Rx.Streams.Decisions;

/// <summary>A step of prefetching the next track (DESIGN.md rule 7).</summary>
public abstract record PrefetchStep(string TrackId);

/// <summary>Start fetching the next track from peers.</summary>
public sealed record PrefetchFromPeers(string TrackId) : PrefetchStep(TrackId);

/// <summary>Fetch the first <paramref name="Length"/> of the next track from the server.</summary>
public sealed record PrefetchFromServer(string TrackId, TimeSpan Length) : PrefetchStep(TrackId);

/// <summary>The track is no longer next: drop what is outstanding for it.</summary>
public sealed record CancelPrefetch(string TrackId) : PrefetchStep(TrackId);
