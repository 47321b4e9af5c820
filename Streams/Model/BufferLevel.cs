namespace Spotify.Rx.Streams;

/// <summary>
/// Seconds of contiguous audio buffered ahead of the playhead of the current track
/// (docs/ARCHITECTURE.md "Client rules"). <see cref="TrackComplete"/> says the buffer holds the track
/// to its end, so a low level near the end is not a reason to fall back to the server.
/// </summary>
public readonly record struct BufferLevel(TimeSpan Ahead, bool TrackComplete = false)
{
    public double Seconds => Ahead.TotalSeconds;

    public static BufferLevel FromSeconds(double seconds, bool trackComplete = false) =>
        new(TimeSpan.FromSeconds(seconds), trackComplete);

    public override string ToString() => $"{Seconds:0.0}s{(TrackComplete ? " (complete)" : "")}";
}
