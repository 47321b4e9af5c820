using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace Spotify.Rx.Streams.Rules;

/// <summary>
/// Rule 3, the 10 s server fallback: when the buffer level of the current track falls below
/// 10 s, the client stops downloading it from peers and takes the next 15 s after its contiguous
/// data from the server; P2P resumes once the level is back at 10 s or more.
/// </summary>
public static class ServerFallback
{
    /// <summary>Below this buffer level the current track comes from the server.</summary>
    public static readonly TimeSpan Threshold = TimeSpan.FromSeconds(10);

    /// <summary>How much audio one fallback fetch asks the server for.</summary>
    public static readonly TimeSpan FetchLength = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The source the current track should come from, emitted only when it changes:
    /// <see cref="DataSource.Server"/> while the level is below <see cref="Threshold"/>
    /// (strictly: 10.0 s is not below 10 s), <see cref="DataSource.Peers"/> otherwise. A buffer
    /// that holds the track to its end needs nothing more, so it never asks the server.
    /// The rule is instantaneous: it reads no clock, and takes the scheduler so that every rule
    /// has the same shape for the node that wires them.
    /// </summary>
    public static IObservable<DataSource> Source(IObservable<BufferLevel> level, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(level);
        ArgumentNullException.ThrowIfNull(scheduler);
        return level
            .Select(Decide)
            .DistinctUntilChanged();
    }

    /// <summary>The decision for one buffer level, for callers that hold a level rather than a stream.</summary>
    public static DataSource Decide(BufferLevel level) =>
        !level.TrackComplete && level.Ahead < Threshold ? DataSource.Server : DataSource.Peers;
}
