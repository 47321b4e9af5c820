namespace Spotify.Rx.Streams.Decisions;

/// <summary>A step of prefetching the next track (docs/ARCHITECTURE.md rule 7).</summary>
public abstract record PrefetchStep(string TrackId);

/// <summary>
/// Start fetching the next track from peers. <paramref name="Left"/> is the current track's time
/// left that the rule decided on, so what it saw can be checked against its 30 s, not guessed
/// from when the step was carried out.
/// </summary>
public sealed record PrefetchFromPeers(string TrackId, TimeSpan Left) : PrefetchStep(TrackId);

/// <summary>
/// Fetch the first <paramref name="Length"/> of the next track from the server, decided with
/// <paramref name="Left"/> of the current track left and <paramref name="Prefetched"/> of the next
/// track already buffered.
/// </summary>
public sealed record PrefetchFromServer(string TrackId, TimeSpan Length, TimeSpan Left, TimeSpan Prefetched) : PrefetchStep(TrackId);

/// <summary>The track is no longer next: drop what is outstanding for it.</summary>
public sealed record CancelPrefetch(string TrackId) : PrefetchStep(TrackId);
