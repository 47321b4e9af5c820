using System.Collections.Immutable;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Spotify.Rx.Streams.Decisions;

namespace Spotify.Rx.Streams.Rules;

/// <summary>
/// Rule 7, prefetch: when the current track has 30 s or less left, the client starts fetching
/// the next track from peers; when it has 10 s or less left and the next track has less than
/// 15 s prefetched, the client fetches the next track's first 15 s from the server instead.
/// </summary>
public static class Prefetch
{
    /// <summary>Time left at which the next track is fetched from peers.</summary>
    public static readonly TimeSpan PeerThreshold = TimeSpan.FromSeconds(30);

    /// <summary>Time left at which the server is asked, if the next track is short of <see cref="ServerWindow"/>.</summary>
    public static readonly TimeSpan ServerThreshold = TimeSpan.FromSeconds(10);

    /// <summary>How much of the next track's start the server prefetch asks for.</summary>
    public static readonly TimeSpan ServerWindow = TimeSpan.FromSeconds(15);

    private sealed record State(
        TrackTimeLeft? Current,
        ImmutableDictionary<string, NextTrack> NextAfter,
        string? FromPeers,
        string? FromServer,
        ImmutableList<PrefetchStep> Steps);

    /// <summary>
    /// The prefetch steps for the next track of each current track, each step once: peers at
    /// 30 s or less left (at once for a track shorter than that), the server at 10 s or less left
    /// while less than 15 s of the next track is prefetched. When the current track changes to one
    /// other than the one prefetched, or the next track changes, what was started is cancelled.
    /// Nothing happens when no next track follows. The rule reads no clock; the scheduler keeps
    /// every rule the same shape for the node that wires them. Each step carries the time left (and,
    /// for the server, the amount prefetched) it was decided on.
    /// </summary>
    public static IObservable<PrefetchStep> Source(IObservable<TrackTimeLeft> left, IObservable<NextTrack> next, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(scheduler);
        var empty = new State(null, ImmutableDictionary<string, NextTrack>.Empty, null, null, []);
        return left.Select(l => (object)l)
            .Merge(next.Select(n => (object)n))
            .Scan(empty, (state, input) => Decide(input switch
            {
                TrackTimeLeft l => OnTimeLeft(state with { Steps = [] }, l),
                NextTrack n => OnNextTrack(state with { Steps = [] }, n),
                _ => state with { Steps = [] },
            }))
            .SelectMany(state => state.Steps);
    }

    private static State OnTimeLeft(State state, TrackTimeLeft left)
    {
        if (state.Current?.TrackId == left.TrackId)
        {
            return state with { Current = left };
        }

        // A track change: the prefetch of anything but the new current track is no longer wanted.
        var dropped = Cancel(state, keep: left.TrackId);
        return dropped with { Current = left, FromPeers = null, FromServer = null };
    }

    private static State OnNextTrack(State state, NextTrack next)
    {
        var previous = state.NextAfter.GetValueOrDefault(next.AfterTrackId);
        state = state with { NextAfter = state.NextAfter.SetItem(next.AfterTrackId, next) };
        if (state.Current?.TrackId != next.AfterTrackId || previous?.TrackId == next.TrackId)
        {
            return state;
        }

        // The playlist changed under the current track: what was prefetched is not next any more.
        return Cancel(state, keep: next.TrackId) with { FromPeers = null, FromServer = null };
    }

    private static State Decide(State state)
    {
        if (state.Current is not { } current
            || state.NextAfter.GetValueOrDefault(current.TrackId) is not { TrackId: { } nextId } next)
        {
            return state;
        }

        if (current.Left <= PeerThreshold && state.FromPeers != nextId)
        {
            state = state with { FromPeers = nextId, Steps = state.Steps.Add(new PrefetchFromPeers(nextId, current.Left)) };
        }

        if (current.Left <= ServerThreshold && next.Prefetched < ServerWindow && state.FromServer != nextId)
        {
            state = state with { FromServer = nextId, Steps = state.Steps.Add(new PrefetchFromServer(nextId, ServerWindow, current.Left, next.Prefetched)) };
        }

        return state;
    }

    private static State Cancel(State state, string? keep)
    {
        var started = new[] { state.FromPeers, state.FromServer }
            .OfType<string>()
            .Distinct()
            .Where(trackId => trackId != keep);
        return state with { Steps = state.Steps.AddRange(started.Select(trackId => new CancelPrefetch(trackId))) };
    }
}
