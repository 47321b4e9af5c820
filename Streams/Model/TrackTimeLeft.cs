namespace Spotify.Rx.Streams;

/// <summary>Audio time left until the end of the current track.</summary>
public sealed record TrackTimeLeft(string TrackId, TimeSpan Left)
{
    public static TrackTimeLeft FromSeconds(string trackId, double seconds) => new(trackId, TimeSpan.FromSeconds(seconds));

    public override string ToString() => $"{TrackId}: {Left.TotalSeconds:0.###}s left";
}
