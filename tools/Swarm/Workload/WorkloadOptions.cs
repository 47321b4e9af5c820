namespace Spotify.Rx.Swarm.Workload;

/// <summary>
/// The shape of the listening the swarm plays. Times are audio time: the runner divides them by
/// the speed factor. Defaults follow the Spotify paper where it gives a number (39 % random
/// access) and are otherwise plausible guesses written down in docs/SWARM.md.
/// </summary>
public sealed record WorkloadOptions
{
    /// <summary>Audio time each client listens for (the run's duration times the speed factor).</summary>
    public TimeSpan ListeningTime { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Popularity of the catalogue's rank k is proportional to 1 / k^s.</summary>
    public double ZipfExponent { get; init; } = 1.0;

    /// <summary>Share of plays that jump (search, click, seek) instead of following the playlist (the paper: 39 %).</summary>
    public double RandomAccessShare { get; init; } = 0.39;

    /// <summary>
    /// Share of plays that go back to a track this listener played before (its own favourites), the
    /// habit that makes a client's cache worth having; the rest are drawn from the Zipf popularity.
    /// </summary>
    public double RepeatShare { get; init; } = 0.3;

    /// <summary>How many of the listener's most recent distinct tracks a repeat chooses from.</summary>
    public int RepeatFrom { get; init; } = 10;

    /// <summary>Share of plays the listener leaves before the track ends.</summary>
    public double SkipShare { get; init; } = 0.15;

    /// <summary>Mean number of plays in one listening session (geometric, at least one).</summary>
    public double MeanPlaysPerSession { get; init; } = 6;

    /// <summary>Mean pause between two sessions (exponential), during which cache entries may expire.</summary>
    public TimeSpan MeanIdleBetweenSessions { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The first session of each client starts within this window, so clients do not all start at once.</summary>
    public TimeSpan StartSpread { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Share of clients that join the swarm later, at a time drawn evenly from the first half of
    /// the run; the others are there from the start.
    /// </summary>
    public double LateJoinShare { get; init; }

    /// <summary>Share of clients that leave before the run ends, somewhere in the second half of their time in it.</summary>
    public double EarlyLeaveShare { get; init; }

    /// <summary>The paper-like run: a quarter of the clients join late and a quarter leave early.</summary>
    public static WorkloadOptions Paper(TimeSpan listeningTime, double zipfExponent) => new()
    {
        ListeningTime = listeningTime,
        ZipfExponent = zipfExponent,
        LateJoinShare = 0.25,
        EarlyLeaveShare = 0.25,
    };

    public void Validate()
    {
        if (LateJoinShare is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(LateJoinShare), LateJoinShare, "must be a share in [0, 1]");
        if (EarlyLeaveShare is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(EarlyLeaveShare), EarlyLeaveShare, "must be a share in [0, 1]");
        if (ListeningTime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ListeningTime), ListeningTime, "must be positive");
        if (ZipfExponent < 0 || double.IsNaN(ZipfExponent)) throw new ArgumentOutOfRangeException(nameof(ZipfExponent), ZipfExponent, "must be zero or more");
        if (RandomAccessShare is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(RandomAccessShare), RandomAccessShare, "must be a share in [0, 1]");
        if (RepeatShare is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(RepeatShare), RepeatShare, "must be a share in [0, 1]");
        if (RepeatFrom < 1) throw new ArgumentOutOfRangeException(nameof(RepeatFrom), RepeatFrom, "must be at least 1");
        if (SkipShare is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(SkipShare), SkipShare, "must be a share in [0, 1]");
        if (MeanPlaysPerSession < 1) throw new ArgumentOutOfRangeException(nameof(MeanPlaysPerSession), MeanPlaysPerSession, "must be at least 1");
        if (MeanIdleBetweenSessions < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MeanIdleBetweenSessions), MeanIdleBetweenSessions, "must not be negative");
        if (StartSpread < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StartSpread), StartSpread, "must not be negative");
    }
}
