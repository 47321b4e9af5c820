namespace Spotify.Rx.Streams.Decisions;

/// <summary>What the underrun rule tells the player (docs/ARCHITECTURE.md rule 5).</summary>
public abstract record PlaybackCommand(string TrackId, TimeSpan At);

/// <summary>Pause at exactly <paramref name="At"/>; this is pause number <paramref name="Number"/> of the session.</summary>
public sealed record Pause(string TrackId, TimeSpan At, int Number) : PlaybackCommand(TrackId, At);

/// <summary>Resume from <paramref name="At"/>, the position of the pause, after a stall of <paramref name="Stalled"/>.</summary>
public sealed record Resume(string TrackId, TimeSpan At, TimeSpan Stalled) : PlaybackCommand(TrackId, At);
