using System.Reactive.Linq;

namespace Spotify.Rx.Streams.Observables;

/// <summary>The remaining time of the current track, the input of the prefetch rule.</summary>
public static class RemainingTime
{
    /// <summary>
    /// Duration minus position for each playback position, never below zero, emitted only when
    /// it changes. <paramref name="durationOf"/> gives a track's duration (from its manifest).
    /// </summary>
    public static IObservable<TrackTimeLeft> Source(IObservable<PlaybackPosition> position, Func<string, TimeSpan> durationOf)
    {
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(durationOf);
        return position
            .Select(p => new TrackTimeLeft(p.TrackId, Max(TimeSpan.Zero, durationOf(p.TrackId) - p.Position)))
            .DistinctUntilChanged();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
