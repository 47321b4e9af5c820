using System.Reactive.Linq;

namespace Spotify.Rx.Streams.Observables;

/// <summary>The buffer level of the current track, the input of the fallback, stutter and underrun rules.</summary>
public static class BufferLevels
{
    /// <summary>
    /// Contiguous audio buffered ahead of the playhead: the end of the contiguous data from the
    /// playhead on, minus the playhead; complete once that end reaches the track's duration.
    /// Emitted only when it changes.
    /// </summary>
    public static IObservable<BufferLevel> Source(IObservable<TimeSpan> playhead, IObservable<TimeSpan> contiguousEnd, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(playhead);
        ArgumentNullException.ThrowIfNull(contiguousEnd);
        return playhead
            .CombineLatest(contiguousEnd, (head, end) => new BufferLevel(
                end > head ? end - head : TimeSpan.Zero,
                end >= duration))
            .DistinctUntilChanged();
    }
}
