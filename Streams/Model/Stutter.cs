namespace Spotify.Rx.Streams;

/// <summary>The playhead of <paramref name="TrackId"/> reached unbuffered data at <paramref name="Position"/>.</summary>
public sealed record Stutter(string TrackId, TimeSpan Position);
