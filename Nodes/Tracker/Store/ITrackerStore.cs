using Spotify.Rx.Common.Contracts;

namespace Spotify.Rx.Tracker.Store;

/// <summary>
/// How long a registration lives, how many of a track the store keeps, and how many live
/// registrations one peer id may hold at once (<see cref="DefaultTracksPerPeer"/>).
/// </summary>
public sealed record TrackerLimits(TimeSpan RegistrationLifetime, int KeepPerTrack, int TracksPerPeer = TrackerLimits.DefaultTracksPerPeer)
{
    /// <summary>
    /// A client registers only what its cache holds in full: 100 MB by default, so 1024 tracks would be
    /// 98 kB each, about six seconds of audio. No real cache gets near it; a made-up one stops here, at
    /// about 1.5 kB per registration, so one token pins at most ~1.5 MB of tracker memory (or Redis).
    /// </summary>
    public const int DefaultTracksPerPeer = 1024;
}

/// <summary>
/// Who has which track, as soft state. Every store keeps, per track, at most
/// <see cref="TrackerLimits.KeepPerTrack"/> registrations (the most recent ones), one per peer id,
/// each alive for <see cref="TrackerLimits.RegistrationLifetime"/> after it was last made.
/// The contract tests in Tracker.Tests hold every implementation to exactly this.
/// </summary>
public interface ITrackerStore
{
    /// <summary>
    /// Registers or renews <paramref name="peer"/> for the track; a renewal replaces the peer's endpoint.
    /// False, and nothing stored, when the peer already holds <see cref="TrackerLimits.TracksPerPeer"/>
    /// live registrations of other tracks. A registration counts against its peer until it is removed
    /// or expires, even when the track's list dropped it for newer ones.
    /// </summary>
    ValueTask<bool> RegisterAsync(string trackId, PeerInfo peer, CancellationToken ct = default);

    /// <summary>Forgets the peer for the track; false when it was not registered (or had expired).</summary>
    ValueTask<bool> RemoveAsync(string trackId, string peerId, CancellationToken ct = default);

    /// <summary>The live registrations of the track, most recent first.</summary>
    ValueTask<IReadOnlyList<PeerInfo>> RecentAsync(string trackId, CancellationToken ct = default);

    /// <summary>How many entries the store holds for the track right now, expired ones not yet dropped included.</summary>
    ValueTask<int> StoredCountAsync(string trackId, CancellationToken ct = default);

    /// <summary>False while the store cannot answer (Redis unreachable); /healthz reports it.</summary>
    bool IsAvailable { get; }
}

/// <summary>The store could not be reached; the request gets a 503, the client tries again later.</summary>
public sealed class TrackerStoreUnavailableException(string message, Exception inner) : Exception(message, inner);
