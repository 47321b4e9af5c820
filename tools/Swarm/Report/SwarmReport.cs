namespace Spotify.Rx.Swarm.Report;

/// <summary>How the swarm was run, so a report says how to repeat it.</summary>
public sealed record RunSettings(
    int Clients,
    TimeSpan Duration,
    double Speed,
    int Tracks,
    double ZipfExponent,
    string Cache,
    int Seed,
    string Command,
    TimeSpan Warmup = default,
    string Catalogue = "demo",
    int Hosts = 0,
    string Network = RunSettings.OneProcess)
{
    public const string OneProcess = "one process on 127.0.0.1";
}

/// <summary>Latency percentiles in milliseconds (nearest rank), over <see cref="Count"/> values.</summary>
public sealed record Percentiles(int Count, double P50, double P90, double P99, double Max, double Mean)
{
    public static readonly Percentiles Empty = new(0, 0, 0, 0, 0, 0);
}

/// <summary>Bytes by the paper's three sources and each one's share of the total (0..1).</summary>
public sealed record ByteShares(long Server, long Peers, long Cache)
{
    /// <summary>Kreitz &amp; Niemelä 2010, table I: where the bytes a client played came from.</summary>
    public static readonly (double Server, double Peers, double Cache) Paper = (0.088, 0.358, 0.554);

    public long Total => Server + Peers + Cache;
    public double ServerShare => Share(Server);
    public double PeerShare => Share(Peers);
    public double CacheShare => Share(Cache);

    private double Share(long part) => Total == 0 ? 0 : (double)part / Total;
}

/// <summary>One client's line in the report.</summary>
public sealed record ClientSummary(
    string PeerId,
    int Plays,
    double TimeToFirstAudioP50Ms,
    int Pauses,
    int Stutters,
    ByteShares Bytes);

/// <summary>How much of the overlay's capacity the swarm used over the run.</summary>
public sealed record OverlayUse(
    double MeanConnections,
    int PeakConnections,
    int PeakConnectionsOfOneClient,
    double MeanUploads,
    int PeakUploads,
    int PeakUploadsOfOneClient,
    int PeakDownloadSources);

/// <summary>
/// What the listening period cost the process: CPU time over wall time, per client, and its threads
/// (peak of one-second samples, and at the end).
/// </summary>
/// <param name="MachineBusy">
/// The fraction of all the machine's cores busy over the same time (every process, the swarm's and
/// others'), from the kernel's tick-sampled /proc/stat: a lower bound (for the 20-client demo it read
/// 6 % while the swarm's process alone used 10 %); null where it cannot be read.
/// </param>
/// <param name="LaterHalfCpuMsPerClientPerSecond">
/// The same per-client figure over the later half of the listening only, without the start (every client's
/// first play, a cold process); null where it could not be sampled.
/// </param>
public sealed record ProcessCost(TimeSpan Cpu, TimeSpan Wall, int Clients, double CpuMsPerClientPerSecond, int PeakThreads, int Threads,
    double? MachineBusy = null, double? LaterHalfCpuMsPerClientPerSecond = null);

/// <summary>
/// The main server's own count of audio bytes sent while the clients listened, and after the warm-up
/// (null without one): beside the clients' server share, which counts only the bytes a client kept.
/// </summary>
public sealed record ServerSent(long Run, long? SteadyState);

/// <summary>The swarm's figures, in the terms of the Spotify paper.</summary>
public sealed record SwarmReport(
    RunSettings Settings,
    TimeSpan WallTime,
    int Plays,
    int RandomAccessPlays,
    Percentiles TimeToFirstAudio,
    Percentiles TimeToFirstAudioRandomAccess,
    Percentiles TimeToFirstAudioSequential,
    int Pauses,
    int Stutters,
    int PlaysWithStutter,
    ByteShares Bytes,
    ByteShares? ClientCounters,
    OverlayUse Overlay,
    IReadOnlyList<ClientSummary> Clients,
    IReadOnlyList<SwarmSample> Timeline,
    IReadOnlyList<string> Failures)
{
    /// <summary>The process's CPU and threads while the swarm listened (null when not measured).</summary>
    public ProcessCost? Cost { get; init; }

    /// <summary>What the server counted itself (null when its counter could not be read).</summary>
    public ServerSent? ServerSent { get; init; }

    public double RandomAccessShare => Plays == 0 ? 0 : (double)RandomAccessPlays / Plays;
    public double StutterRate => Plays == 0 ? 0 : (double)PlaysWithStutter / Plays;

    /// <summary>The figures after the warm-up, the ones to set beside the paper's.</summary>
    public SteadyState? SteadyState { get; init; }

    /// <summary>Where the bytes of each interval of wall time came from: the paper's shares as a curve.</summary>
    public IReadOnlyList<IntervalShares> SharesOverTime { get; init; } = [];
}

/// <summary>
/// The swarm after the warm-up (wall time <see cref="From"/> on): bytes each client's counters
/// grew by from then to its last sample, summed, and the plays that finished from then on.
/// <see cref="Server"/>, <see cref="Peers"/> and <see cref="Cache"/> are fractions of those bytes
/// and add up to 1 (all 0 when no byte moved).
/// </summary>
public sealed record SteadyState(
    TimeSpan From,
    long ServerBytes,
    long PeerBytes,
    long CacheBytes,
    int Plays,
    int PlaysWithStutter,
    Percentiles TimeToFirstAudio)
{
    public long TotalBytes => ServerBytes + PeerBytes + CacheBytes;
    public double Server => Share(ServerBytes);
    public double Peers => Share(PeerBytes);
    public double Cache => Share(CacheBytes);
    public double StutterRate => Plays == 0 ? 0 : (double)PlaysWithStutter / Plays;

    private double Share(long part) => TotalBytes == 0 ? 0 : (double)part / TotalBytes;
}

/// <summary>Bytes the swarm received between <see cref="From"/> and <see cref="To"/> (wall time), by source.</summary>
public sealed record IntervalShares(TimeSpan From, TimeSpan To, ByteShares Bytes);
