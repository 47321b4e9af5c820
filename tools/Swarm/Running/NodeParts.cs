using System.Reactive.Concurrency;
using Spotify.Rx.Client;
using Spotify.Rx.Client.Cache;
using Spotify.Rx.Playback.Library;
using Spotify.Rx.Swarm.Workload;

namespace Spotify.Rx.Swarm.Running;

/// <summary>The real parts of a swarm: Playback's sample library and client nodes in this process.</summary>
public static class NodeParts
{
    public static SwarmParts InProcess { get; } = new(EnsureSampleLibraryAsync, StartInProcessAsync);

    /// <summary>
    /// The sample library with at least <paramref name="tracks"/> tracks. The generator is seeded, so
    /// this library starts with exactly the tracks the server would generate on its own.
    /// </summary>
    public static async Task<IReadOnlyList<CatalogueTrack>> EnsureSampleLibraryAsync(
        string folder, int tracks, IProgress<string> progress, CancellationToken ct)
    {
        var options = new SampleLibraryOptions { Count = Math.Max(tracks, new SampleLibraryOptions().Count) };
        var lines = new Progress<SampleLibraryProgress>(p =>
        {
            if (!p.Reused && p.Fraction >= 1) progress.Report($"generated {p.Index + 1}/{p.Total} {p.TrackId}");
        });
        progress.Report($"sample library in {folder} ({options.Count} tracks; missing ones are generated once, which takes a while)");
        var library = await SampleLibrary.EnsureAsync(folder, options, lines, ct).ConfigureAwait(false);
        return library.Tracks.Select(t => new CatalogueTrack(t.Id, t.Duration)).ToList();
    }

    public static async Task<ISwarmClient> StartInProcessAsync(ClientLaunch launch, CancellationToken ct)
    {
        var options = new ClientOptions
        {
            ServerUrl = launch.ServerUrl,
            TrackerUrl = launch.TrackerUrl,
            PeerId = launch.PeerId,
            Cache = launch.Cache == CacheChoice.Lru ? CachePolicy.Lru : CachePolicy.Expire30s,
            Speed = launch.Speed,
            Sink = "null",
        };
        var node = await ClientNode.StartAsync(options, DefaultScheduler.Instance, logs: null, ct).ConfigureAwait(false);
        return new InProcessClient(node);
    }
}
