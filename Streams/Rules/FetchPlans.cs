using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Spotify.Rx.Streams.Decisions;
using Spotify.Rx.Streams.Scheduling;

namespace Spotify.Rx.Streams.Rules;

/// <summary>
/// The one place that decides where a play's bytes come from: rule 3 (below 10 s the next 15 s
/// from the server, peers again at 10 s), rule 4 (after a stutter the current track from the
/// server only, all uploads stopped and the next track's prefetch paused, until the current track
/// is fully buffered) and the server-unreachable case (peers carry the track, since nobody else
/// can; the rules apply again once the server answers). The engine only carries out the plans.
/// </summary>
public static class FetchPlans
{
    private sealed record State(BufferLevel? Level, bool StoodAtThreshold, bool Recovering, bool ServerReachable)
    {
        public FetchPlan Plan => new(
            !ServerReachable ? FetchMode.Peers
            : Recovering ? FetchMode.ServerOnly
            : Fallback ? FetchMode.ServerFallback
            : FetchMode.Peers,
            UploadsStopped: Recovering,
            PrefetchPaused: Recovering);

        // Rule 3 is about a level that *falls*: a play starts at 0 while rule 1's 15 s are in flight,
        // and that 0 has not fallen; the fallback judges levels from the first that stands at 10 s.
        private bool Fallback => StoodAtThreshold && Level is { } l && ServerFallback.Decide(l) == DataSource.Server;
    }

    /// <summary>
    /// The plan of one play: <see cref="FetchPlan.Start"/> at once, then each change. Inputs are the
    /// play's buffer levels, its stutters, and whether the server may be asked (false after a failed
    /// request, true again once it may be retried). The rule reads no clock.
    /// </summary>
    public static IObservable<FetchPlan> Source(
        IObservable<BufferLevel> level, IObservable<Stutter> stutters, IObservable<bool> serverReachable, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(level);
        ArgumentNullException.ThrowIfNull(stutters);
        ArgumentNullException.ThrowIfNull(serverReachable);
        ArgumentNullException.ThrowIfNull(scheduler);
        var start = new State(null, false, false, true);
        return Observable.Merge(
                level.Select(l => (Func<State, State>)(s => s with
                {
                    Level = l,
                    StoodAtThreshold = s.StoodAtThreshold || ServerFallback.Decide(l) == DataSource.Peers,
                    Recovering = s.Recovering && !l.TrackComplete,
                })),
                stutters.Select(_ => (Func<State, State>)(s => s with { Recovering = true })),
                serverReachable.Select(ok => (Func<State, State>)(s => s with { ServerReachable = ok })))
            .Scan(start, (state, change) => change(state))
            .Select(s => s.Plan)
            .StartWith(FetchPlan.Start)
            .DistinctUntilChanged();
    }
}
