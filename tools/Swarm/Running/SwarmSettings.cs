using System.Globalization;

namespace Spotify.Rx.Swarm.Running;

public enum CacheChoice { Ttl30, Lru }

/// <summary>Everything a swarm run is told; the defaults finish in about two minutes on two cores.</summary>
public sealed record SwarmSettings
{
    public int Clients { get; init; } = 20;
    /// <summary>Wall time the listeners listen for.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How many seconds of audio each wall-clock second plays.</summary>
    public double Speed { get; init; } = 4;
    /// <summary>Tracks in the catalogue the workload draws from.</summary>
    public int Tracks { get; init; } = 16;
    public double ZipfExponent { get; init; } = 1.0;
    public CacheChoice Cache { get; init; } = CacheChoice.Ttl30;
    public int Seed { get; init; } = 1;
    public string Out { get; init; } = Path.Combine("data", "swarm-report");
    /// <summary>The swarm's own sample library: shorter tracks than the server's default <c>data/library</c>.</summary>
    public string Library { get; init; } = Path.Combine("data", "swarm-library");
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
        $"dotnet run --project tools/Swarm -- --clients {Clients} --duration {Duration.TotalSeconds:0.###} --speed {Speed:0.###} --tracks {Tracks} --zipf {ZipfExponent:0.###} --cache {CacheName} --seed {Seed}");

    public void Validate()
    {
        if (Clients < 1) throw new ArgumentOutOfRangeException(nameof(Clients), Clients, "--clients must be at least 1");
        if (Duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Duration), Duration, "--duration must be positive");
        if (!(Speed > 0)) throw new ArgumentOutOfRangeException(nameof(Speed), Speed, "--speed must be positive");
        if (Tracks < 1) throw new ArgumentOutOfRangeException(nameof(Tracks), Tracks, "--tracks must be at least 1");
        if (ZipfExponent < 0) throw new ArgumentOutOfRangeException(nameof(ZipfExponent), ZipfExponent, "--zipf must not be negative");
        if (NeighboursPerClient < 0) throw new ArgumentOutOfRangeException(nameof(NeighboursPerClient), NeighboursPerClient, "--neighbours must not be negative");
    }
}
