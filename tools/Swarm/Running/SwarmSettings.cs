using System.Globalization;

namespace Spotify.Rx.Swarm.Running;

public enum CacheChoice { Ttl30, Lru }

/// <summary>
/// Which catalogue the swarm plays: the quick demo's 16 short tracks, or the paper-like catalogue
/// of 120 tracks of 3-5 minutes, several times larger than one client's 100 MB cache.
/// </summary>
public enum CatalogueChoice { Demo, Paper }

/// <summary>Everything a swarm run is told; the defaults finish in about two minutes on two cores.</summary>
public sealed record SwarmSettings
{
    public int Clients { get; init; } = 20;
    /// <summary>Peer connections per client; null is the paper's 60 (lowered when the process's file limit cannot hold them).</summary>
    public int? MaxConnections { get; init; }
    /// <summary>Wall time the listeners listen for.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How many seconds of audio each wall-clock second plays.</summary>
    public double Speed { get; init; } = 4;
    public CatalogueChoice Catalogue { get; init; } = CatalogueChoice.Demo;
    /// <summary>Tracks in the catalogue the workload draws from; null: the catalogue's own size (16 or 120).</summary>
    public int? Tracks { get; init; }
    public int TrackCount => Tracks ?? (Catalogue == CatalogueChoice.Paper ? 120 : 16);
    public double ZipfExponent { get; init; } = 1.0;
    public CacheChoice Cache { get; init; } = CacheChoice.Ttl30;
    public int Seed { get; init; } = 1;
    public string Out { get; init; } = Path.Combine("data", "swarm-report");
    /// <summary>
    /// The track library; null: the catalogue's own folder, <c>data/swarm-library</c> (the demo's
    /// tracks, shorter than the server's default <c>data/library</c>) or <c>data/swarm-catalogue</c>.
    /// </summary>
    public string? Library { get; init; }
    public string LibraryFolder => Library ?? Path.Combine("data", Catalogue == CatalogueChoice.Paper ? "swarm-catalogue" : "swarm-library");
    /// <summary>Wall time at the start of the run left out of the steady-state figures (caches filling).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;
    /// <summary>Run the same workload twice, once per cache policy, and report them side by side.</summary>
    public bool CompareCache { get; init; }
    /// <summary>
    /// Where each client keeps its cache on disk (a folder per client under it); null keeps the
    /// caches in memory. A 100 MB LRU cache per client does not fit in one process's memory for
    /// hundreds of clients, so large runs want this once the client can cache on disk.
    /// </summary>
    public string? CacheDir { get; init; }
    /// <summary>
    /// 0: everything in this process on 127.0.0.1 (the quick demo). N: the server, two trackers on one
    /// Redis and N hosts of clients as separate processes, each in a network namespace of its own.
    /// </summary>
    public int Hosts { get; init; }
    /// <summary>With <see cref="Hosts"/>: run the processes on 127.0.0.1 even where namespaces could be made (no caps then).</summary>
    public bool NoNamespaces { get; init; }
    /// <summary>One client's uplink in kbit/s of audio time (the 2010 broadband's 1 Mbit/s); a host's cap is this × its clients × <see cref="Speed"/>.</summary>
    public double UplinkKbit { get; init; } = 1000;
    public string Keys { get; init; } = Path.Combine("data", "keys");
    public int NeighboursPerClient { get; init; } = 3;
    public bool Charts { get; init; } = true;
    /// <summary>Null: decide by whether stdout is a terminal.</summary>
    public bool? Live { get; init; }
    /// <summary>Log the nodes to the console (the live view is off then, as the two would mix).</summary>
    public bool Verbose { get; init; }

    public string CacheName => Cache == CacheChoice.Lru ? "lru" : "ttl30";

    /// <summary>The command that repeats this run, for the report.</summary>
    public string Command => string.Create(CultureInfo.InvariantCulture,
        $"dotnet run --project tools/Swarm -- --clients {Clients} --duration {Duration.TotalSeconds:0.###} --speed {Speed:0.###} --tracks {TrackCount} --zipf {ZipfExponent:0.###} --cache {CacheName} --seed {Seed}")
        + (Catalogue == CatalogueChoice.Paper ? " --catalogue paper" : "")
        + (Warmup > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $" --warmup {Warmup.TotalSeconds:0.###}") : "")
        + (Hosts > 0 ? string.Create(CultureInfo.InvariantCulture, $" --hosts {Hosts} --uplink {UplinkKbit:0.###}") : "")
        + (Hosts > 0 && NoNamespaces ? " --no-namespaces" : "");

    public string CatalogueName => Catalogue == CatalogueChoice.Paper ? "paper" : "demo";

    public void Validate()
    {
        if (Clients < 1) throw new ArgumentOutOfRangeException(nameof(Clients), Clients, "--clients must be at least 1");
        if (Duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Duration), Duration, "--duration must be positive");
        if (!(Speed > 0)) throw new ArgumentOutOfRangeException(nameof(Speed), Speed, "--speed must be positive");
        if (Warmup < TimeSpan.Zero || Warmup >= Duration) throw new ArgumentOutOfRangeException(nameof(Warmup), Warmup, "--warmup must be at least 0 and shorter than --duration");
        if (TrackCount < 1) throw new ArgumentOutOfRangeException(nameof(Tracks), Tracks, "--tracks must be at least 1");
        if (ZipfExponent < 0) throw new ArgumentOutOfRangeException(nameof(ZipfExponent), ZipfExponent, "--zipf must not be negative");
        if (Hosts < 0) throw new ArgumentOutOfRangeException(nameof(Hosts), Hosts, "--hosts must not be negative");
        if (Hosts > 200) throw new ArgumentOutOfRangeException(nameof(Hosts), Hosts, "--hosts is at most 200 (one /24 holds the hosts)");
        if (!(UplinkKbit > 0)) throw new ArgumentOutOfRangeException(nameof(UplinkKbit), UplinkKbit, "--uplink must be positive");
        if (NeighboursPerClient < 0) throw new ArgumentOutOfRangeException(nameof(NeighboursPerClient), NeighboursPerClient, "--neighbours must not be negative");
    }
}
