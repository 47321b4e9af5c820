namespace Spotify.Rx.Streams;

/// <summary>The listener asks to play <paramref name="TrackId"/> from <paramref name="Position"/>.</summary>
public sealed record PlayRequest(string TrackId, TimeSpan Position)
{
    public override string ToString() => $"play {TrackId} from {Position.TotalSeconds:0.###}s";
}
