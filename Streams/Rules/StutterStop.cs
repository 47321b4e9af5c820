using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Spotify.Rx.Streams.Decisions;

namespace Spotify.Rx.Streams.Rules;

/// <summary>
/// Rule 4, stutter stop: when the playhead reaches unbuffered data, the client stops all
/// uploads at once and takes the current track from the server only, until the current track is
/// fully buffered.
/// </summary>
public static class StutterStop
{
    private enum Signal
    {
        Stutter,
        TrackComplete,
        TrackIncomplete,
    }

    /// <summary>
    /// <see cref="StutterMode.Normal"/> at once, then each change: <see cref="StutterMode.Recovering"/>
    /// from a stutter until a buffer level says the current track is complete. The rule reads no
    /// clock; the scheduler keeps every rule the same shape for the node that wires them.
    /// </summary>
    public static IObservable<StutterMode> Source(IObservable<Stutter> stutters, IObservable<BufferLevel> level, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(stutters);
        ArgumentNullException.ThrowIfNull(level);
        ArgumentNullException.ThrowIfNull(scheduler);
        return stutters.Select(_ => Signal.Stutter)
            .Merge(level.Select(l => l.TrackComplete ? Signal.TrackComplete : Signal.TrackIncomplete))
            .Scan(StutterMode.Normal, (mode, signal) => signal switch
            {
                Signal.Stutter => StutterMode.Recovering,
                Signal.TrackComplete => StutterMode.Normal,
                _ => mode,
            })
            .StartWith(StutterMode.Normal)
            .DistinctUntilChanged();
    }

    /// <summary>
    /// Where the current track comes from once rules 3 and 4 are both applied: the server while
    /// recovering from a stutter, whatever the level; otherwise as <see cref="ServerFallback"/>
    /// decides. Emitted only when it changes, from the first level or stutter on.
    /// </summary>
    public static IObservable<DataSource> CurrentTrackSource(IObservable<Stutter> stutters, IObservable<BufferLevel> level, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(stutters);
        ArgumentNullException.ThrowIfNull(level);
        ArgumentNullException.ThrowIfNull(scheduler);

        // One fold over both inputs, so a level that ends a recovery is judged with that same level.
        return stutters.Select(_ => (BufferLevel?)null)
            .Merge(level.Select(l => (BufferLevel?)l))
            .Scan(
                (Mode: StutterMode.Normal, Level: (BufferLevel?)null),
                (state, next) => next is { } current
                    ? (current.TrackComplete ? StutterMode.Normal : state.Mode, current)
                    : (StutterMode.Recovering, state.Level))
            .Select(state => state.Mode == StutterMode.Recovering
                ? DataSource.Server
                : ServerFallback.Decide(state.Level!.Value))
            .DistinctUntilChanged();
    }
}
