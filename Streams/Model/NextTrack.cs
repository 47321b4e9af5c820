namespace Spotify.Rx.Streams;

/// <summary>
/// What plays after <paramref name="AfterTrackId"/>: <paramref name="TrackId"/>, of which
/// <paramref name="Prefetched"/> from its start is already buffered; a null
/// <paramref name="TrackId"/> says nothing follows (the end of the playlist). Naming the track it
/// follows lets a rule ignore a next track that belongs to a track no longer playing.
/// </summary>
public sealed record NextTrack(string AfterTrackId, string? TrackId, TimeSpan Prefetched)
{
    public static NextTrack None(string afterTrackId) => new(afterTrackId, null, TimeSpan.Zero);

    public override string ToString() =>
        TrackId is null ? $"nothing after {AfterTrackId}" : $"{TrackId} after {AfterTrackId}, {Prefetched.TotalSeconds:0.###}s prefetched";
}
