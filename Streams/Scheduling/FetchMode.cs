namespace Spotify.Rx.Streams.Scheduling;

/// <summary>
/// Which sources the chunk scheduler may use for the current track, as the client rules decide it.
/// </summary>
public enum FetchMode
{
    /// <summary>Rule 2: peers fetch the track; the server only within 15 s of the playhead.</summary>
    Peers,

    /// <summary>Rule 3: the buffer is below 10 s; the next 15 s after the contiguous data come from the server.</summary>
    ServerFallback,

    /// <summary>Rule 4: after a stutter the current track comes from the server only until fully buffered.</summary>
    ServerOnly,
}
