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
}
