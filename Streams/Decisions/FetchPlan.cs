using Spotify.Rx.Streams.Scheduling;

namespace Spotify.Rx.Streams.Decisions;

/// <summary>
/// Where the client's bytes come from now (rules 3, 4 and 7 together): <paramref name="Current"/>
/// for the track playing; <paramref name="UploadsStopped"/> while a stutter is being recovered from
/// (rule 4: all uploads stopped); <paramref name="PrefetchPaused"/> while the next track must wait
/// (rule 4: the client focuses on the current track only).
/// </summary>
public sealed record FetchPlan(FetchMode Current, bool UploadsStopped, bool PrefetchPaused)
{
    /// <summary>The plan a play starts with: peers, uploads on, prefetch free.</summary>
    public static readonly FetchPlan Start = new(FetchMode.Peers, false, false);

    /// <summary>What the next track's download may do under this plan.</summary>
    public FetchMode Next => PrefetchPaused ? FetchMode.Suspended : FetchMode.PeersOnly;
}
