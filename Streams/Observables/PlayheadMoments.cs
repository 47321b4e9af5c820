using Spotify.Rx.Streams.Rules;

namespace Spotify.Rx.Streams.Observables;

/// <summary>
/// Where a playing track's rules can change their minds by the passing of time alone. While it
/// plays with no data arriving, the level falls and the time left shrinks as the playhead moves;
/// the rules judge those against fixed thresholds, so between two such moments a position tells
/// them nothing new. The player reports its playhead at these positions (and at every change of
/// state) instead of on a fixed tick: each rule then hears the exact position at which its threshold
/// is crossed, and a playing client costs no work between them.
/// </summary>
public static class PlayheadMoments
{
    /// <summary>
    /// The first position after <paramref name="position"/> at which one of these holds for the
    /// first time, if no data arrives meanwhile: the level is below rule 3's
    /// <see cref="ServerFallback.Threshold"/>; the level is zero (rule 5); the time left is at
    /// rule 7's <see cref="Prefetch.PeerThreshold"/> or <see cref="Prefetch.ServerThreshold"/>; the
    /// track ends (<paramref name="duration"/>, which is also the answer for a position at or past it).
    /// </summary>
    public static TimeSpan Next(TimeSpan position, BufferLevel level, TimeSpan duration)
    {
        var next = duration;
        if (!level.TrackComplete)
        {
            // Rule 3 falls back when the level is strictly below its threshold: one tick past it.
            Consider(ref next, position, position + level.Ahead - ServerFallback.Threshold + TimeSpan.FromTicks(1));
            Consider(ref next, position, position + level.Ahead);
        }
        // Rule 7 acts when the time left is at or below its thresholds.
        Consider(ref next, position, duration - Prefetch.PeerThreshold);
        Consider(ref next, position, duration - Prefetch.ServerThreshold);
        return next;
    }

    private static void Consider(ref TimeSpan next, TimeSpan position, TimeSpan candidate)
    {
        if (candidate > position && candidate < next) next = candidate;
    }
}
