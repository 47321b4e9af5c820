namespace Spotify.Rx.Streams.Tests.Rules;

/// <summary>Short names for the values the rule diagrams stand for.</summary>
internal static class Audio
{
    /// <summary>One frame is one second of audio in the rule diagrams.</summary>
    public static readonly TimeSpan Frame = TimeSpan.FromSeconds(1);

    public static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    public static BufferLevel Level(double seconds) => BufferLevel.FromSeconds(seconds);

    public static BufferLevel Complete(double seconds) => BufferLevel.FromSeconds(seconds, trackComplete: true);

    public static PlaybackPosition Playing(string trackId, double seconds) => new(trackId, Seconds(seconds), PlayerState.Playing);

    public static PlaybackPosition Underrun(string trackId, double seconds) => new(trackId, Seconds(seconds), PlayerState.Underrun);

    public static TrackTimeLeft Left(string trackId, double seconds) => TrackTimeLeft.FromSeconds(trackId, seconds);

    public static NextTrack Next(string after, string trackId, double prefetchedSeconds = 0) => new(after, trackId, Seconds(prefetchedSeconds));
}
