using System.Reactive.Linq;

namespace Spotify.Rx.Streams.Observables;

/// <summary>Stutter events, the input of the stutter-stop rule.</summary>
public static class Stutters
{
    /// <summary>
    /// One <see cref="Stutter"/> each time the player enters <see cref="PlayerState.Underrun"/>
    /// from another state: the playhead reached unbuffered data. Staying in underrun is one stutter.
    /// </summary>
    public static IObservable<Stutter> Source(IObservable<PlaybackPosition> position)
    {
        ArgumentNullException.ThrowIfNull(position);
        return position
            .Scan(
                (Previous: (PlaybackPosition?)null, Current: (PlaybackPosition?)null),
                (pair, next) => (pair.Current, next))
            .Select(pair => pair.Current is { State: PlayerState.Underrun } current
                && !(pair.Previous is { State: PlayerState.Underrun } previous && previous.TrackId == current.TrackId)
                    ? new Stutter(current.TrackId, current.Position)
                    : null)
            .Where(stutter => stutter is not null)
            .Select(stutter => stutter!);
    }
}
