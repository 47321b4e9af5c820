namespace Spotify.Rx.Streams.Scheduling;

/// <summary>
/// Which sources the chunk scheduler may use for one track, as the client rules decide it
/// (<see cref="Rules.FetchPlans"/> for the current track, rule 7 for the next).
/// </summary>
public enum FetchMode
{
    /// <summary>Rule 2: peers fetch the track; the server only within 15 s of the playhead.</summary>
    Peers,

    /// <summary>Rule 3: the buffer is below 10 s; the next 15 s after the contiguous data come from the server.</summary>
    ServerFallback,

    /// <summary>Rule 4: after a stutter the current track comes from the server only until fully buffered.</summary>
    ServerOnly,

    /// <summary>Rule 7's first step: the next track from peers only; the server is asked by the rule's own step.</summary>
    PeersOnly,

    /// <summary>Rule 4 for the next track: while the current one recovers from a stutter nothing new is asked.</summary>
    Suspended,
}
