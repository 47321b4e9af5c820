using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Spotify.Rx.Streams.Decisions;

namespace Spotify.Rx.Streams.Rules;

/// <summary>
/// Rule 1, random-access start: to play track T at position p the client, at the same time,
/// asks the server for the 15 s of T from p, asks the tracker for peers, and sends a SEARCH to
/// its overlay neighbours (two hops); playback starts as soon as the audio from p is buffered
/// enough to decode its first packet. A track whose prefetch is seeking its peers already
/// (<see cref="PlayRequest.PeersSought"/>) is only asked of the server: its peers are not sought twice.
/// </summary>
public static class RandomAccessStart
{
    /// <summary>How much audio from p the server is asked for.</summary>
    public static readonly TimeSpan ServerWindow = TimeSpan.FromSeconds(15);

    /// <summary>How many peers the tracker is asked for (Spotify's tracker returned 10).</summary>
    public const int TrackerPeers = 10;

    /// <summary>How far a neighbour SEARCH travels: to the neighbours and once more.</summary>
    public const int SearchHops = 2;

    /// <summary>
    /// For each play request: the three fetches in the same instant, then
    /// <see cref="StartPlayback"/> at the first buffer level that holds at least one packet
    /// (<see cref="AudioTime.Packet"/>) or the rest of the track. A new request abandons the
    /// start of the previous one. <paramref name="level"/> is the level of the track last
    /// requested, measured from its requested position. The rule reads no clock; the scheduler
    /// keeps every rule the same shape for the node that wires them.
    /// </summary>
    public static IObservable<StartStep> Source(IObservable<PlayRequest> requests, IObservable<BufferLevel> level, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(level);
        ArgumentNullException.ThrowIfNull(scheduler);
        return requests
            .Select(request => Fetches(request).ToObservable(ImmediateScheduler.Instance).Concat(
                level
                    .FirstAsync(l => l.TrackComplete || l.Ahead >= AudioTime.Packet)
                    .Select(_ => (StartStep)new StartPlayback(request.TrackId, request.Position))))
            .Switch();
    }

    private static IEnumerable<StartStep> Fetches(PlayRequest request)
    {
        yield return new FetchFromServer(request.TrackId, request.Position, ServerWindow);
        if (request.PeersSought) yield break;
        yield return new AskTracker(request.TrackId, TrackerPeers);
        yield return new SearchNeighbours(request.TrackId, SearchHops);
    }
}
