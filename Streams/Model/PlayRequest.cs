namespace Spotify.Rx.Streams;

/// <summary>The listener asks to play <paramref name="TrackId"/> from <paramref name="Position"/>.</summary>
/// <param name="PeersSought">
/// Peers of the track are being sought already: its prefetch asked the tracker and searched the
/// neighbours, and that search goes on into the play (it keeps asking the tracker while the track is
/// incomplete).
/// </param>
public sealed record PlayRequest(string TrackId, TimeSpan Position, bool PeersSought = false)
{
    public override string ToString() => $"play {TrackId} from {Position.TotalSeconds:0.###}s";
}
