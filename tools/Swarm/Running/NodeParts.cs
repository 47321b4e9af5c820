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

    /// <summary>The paper-like catalogue (<see cref="SplicedLibrary"/>) with in-process clients.</summary>
    public static SwarmParts InProcessPaper { get; } = new(EnsurePaperCatalogueAsync, StartInProcessAsync);

    public static SwarmParts For(CatalogueChoice catalogue) => catalogue == CatalogueChoice.Paper ? InProcessPaper : InProcess;

    /// <summary>In-process clients over a library that exists already, taken as it is (nothing generated).</summary>
    public static SwarmParts Over(Playback.Tracks.TrackLibrary library) => InProcess with
    {
        EnsureLibrary = (_, _, _, _) => Task.FromResult<IReadOnlyList<CatalogueTrack>>(
            library.Tracks.Select(t => new CatalogueTrack(t.Id, t.Duration)).ToList()),
    };

    /// <summary>
    /// The paper-like catalogue: <paramref name="tracks"/> tracks of 3-5 minutes spliced from 12
    /// rendered songs, generated where missing and reused from then on.
    /// </summary>
    public static async Task<IReadOnlyList<CatalogueTrack>> EnsurePaperCatalogueAsync(
        string folder, int tracks, IProgress<string> progress, CancellationToken ct)
    {
        var options = new SplicedLibraryOptions { Count = tracks };
        var lines = new Progress<SampleLibraryProgress>(p =>
        {
            if (!p.Reused && p.Fraction >= 1) progress.Report($"generated {p.Index + 1}/{p.Total} {p.TrackId}");
        });
        progress.Report($"catalogue in {folder} ({options.Count} tracks of 3-5 min cut from {options.Sources} rendered songs; missing ones are generated once, which takes a few minutes)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cpu = Environment.CpuUsage.TotalTime;
        var library = await SplicedLibrary.EnsureAsync(folder, options, lines, ct).ConfigureAwait(false);
        progress.Report($"catalogue ready in {clock.Elapsed.TotalSeconds:0} s ({(Environment.CpuUsage.TotalTime - cpu).TotalSeconds:0} s of CPU)");
        var wanted = SplicedLibrary.Plan(options).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return library.Tracks.Where(t => wanted.Contains(t.Id)).Select(t => new CatalogueTrack(t.Id, t.Duration)).ToList();
    }

    /// <summary>
    /// Shorter than the server's own sample library (2-4 min): a run then holds several plays per
    /// client, and a fresh clone generates the library in well under a minute.
    /// </summary>
    public static readonly (TimeSpan Min, TimeSpan Max) TrackLengths = (TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(120));

    /// <summary>
    /// The swarm's sample library of <paramref name="tracks"/> tracks, generated (seeded, so always the
    /// same) where missing and reused from then on.
    /// </summary>
    public static Task<IReadOnlyList<CatalogueTrack>> EnsureSampleLibraryAsync(
        string folder, int tracks, IProgress<string> progress, CancellationToken ct) =>
        EnsureSampleLibraryAsync(folder, new SampleLibraryOptions { Count = tracks, MinLength = TrackLengths.Min, MaxLength = TrackLengths.Max }, progress, ct);

    public static async Task<IReadOnlyList<CatalogueTrack>> EnsureSampleLibraryAsync(
        string folder, SampleLibraryOptions options, IProgress<string> progress, CancellationToken ct)
    {
        var lines = new Progress<SampleLibraryProgress>(p =>
        {
            if (!p.Reused && p.Fraction >= 1) progress.Report($"generated {p.Index + 1}/{p.Total} {p.TrackId}");
        });
        progress.Report($"sample library in {folder} ({options.Count} tracks; missing ones are generated once, which takes a while)");
        var library = await SampleLibrary.EnsureAsync(folder, options, lines, ct).ConfigureAwait(false);
        // The folder may hold more tracks than asked (an earlier, larger run): the plan says which are this catalogue.
        var wanted = SampleLibrary.Plan(options).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return library.Tracks.Where(t => wanted.Contains(t.Id)).Select(t => new CatalogueTrack(t.Id, t.Duration)).ToList();
    }

    public static async Task<ISwarmClient> StartInProcessAsync(ClientLaunch launch, CancellationToken ct)
    {
        var options = new ClientOptions
        {
            ServerUrl = launch.ServerUrl,
            TrackerUrl = launch.TrackerUrl,
            PeerId = launch.PeerId,
            Cache = launch.Cache == CacheChoice.Lru ? CachePolicy.Lru : CachePolicy.Expire30s,
            // Only the LRU cache lives on disk; the seed's 30 s cache stays in memory whatever --cache-dir says.
            CacheDirectory = launch.Cache == CacheChoice.Lru ? launch.CacheDirectory : null,
            Speed = launch.Speed,
            Sink = "null",
            MaxConnections = launch.MaxConnections,
        };
        var node = await ClientNode.StartAsync(options, DefaultScheduler.Instance, logs: null, ct).ConfigureAwait(false);
        return new InProcessClient(node);
    }
}
