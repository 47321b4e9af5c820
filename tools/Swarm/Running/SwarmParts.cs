using Spotify.Rx.Swarm.Workload;

namespace Spotify.Rx.Swarm.Running;

/// <summary>What one client of the run is started with.</summary>
public sealed record ClientLaunch(int Index, string PeerId, Uri ServerUrl, Uri TrackerUrl, CacheChoice Cache, double Speed, string? CacheDirectory = null, int? MaxConnections = null);

/// <summary>
/// The pieces a run is made of, so the runner does not care where the catalogue comes from or in
/// which process a client lives. <see cref="NodeParts"/> has the real ones.
/// </summary>
public sealed record SwarmParts(
    Func<string, int, IProgress<string>, CancellationToken, Task<IReadOnlyList<CatalogueTrack>>> EnsureLibrary,
    Func<ClientLaunch, CancellationToken, Task<ISwarmClient>> StartClient);
