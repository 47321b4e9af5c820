using Spotify.Rx.Common.Contracts;

namespace Spotify.Rx.Tracker.Store;

/// <summary>How long a registration lives and how many of a track the store keeps.</summary>
public sealed record TrackerLimits(TimeSpan RegistrationLifetime, int KeepPerTrack);

/// <summary>
/// Who has which track, as soft state. Every store keeps, per track, at most
/// <see cref="TrackerLimits.KeepPerTrack"/> registrations (the most recent ones), one per peer id,
/// each alive for <see cref="TrackerLimits.RegistrationLifetime"/> after it was last made.
/// The contract tests in Tracker.Tests hold every implementation to exactly this.
/// </summary>
public interface ITrackerStore
{
    /// <summary>Registers or renews <paramref name="peer"/> for the track; a renewal replaces the peer's endpoint.</summary>
    ValueTask RegisterAsync(string trackId, PeerInfo peer, CancellationToken ct = default);

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
