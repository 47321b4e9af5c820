namespace Spotify.Rx.Swarm.Workload;

/// <summary>
/// Draws every client's listening from a seed: the same seed, catalogue and options give the same
/// sessions, so a swarm run can be repeated and two cache policies compared on one workload.
/// Each client has its own random stream derived from (seed, client), so adding clients leaves the
/// others' sessions as they were.
/// </summary>
public static class WorkloadGenerator
{
    /// <summary>No random start lands this close to a track's end: the listener would hear nothing.</summary>
    private const double LatestStartShare = 0.8;

    /// <summary>A skipped play lasts at least this long (or what remains of the track).</summary>
    private static readonly TimeSpan ShortestListen = TimeSpan.FromSeconds(5);

    public static IReadOnlyList<ClientWorkload> Generate(
        IReadOnlyList<CatalogueTrack> catalogue, int clients, WorkloadOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(options);
        if (catalogue.Count == 0) throw new ArgumentException("the catalogue is empty", nameof(catalogue));
        if (catalogue.Any(t => t.Duration <= TimeSpan.Zero)) throw new ArgumentException("every track needs a positive duration", nameof(catalogue));
        ArgumentOutOfRangeException.ThrowIfNegative(clients);
        options.Validate();

        var popularity = new Zipf(catalogue.Count, options.ZipfExponent);
        return Enumerable.Range(0, clients)
            .Select(client => ForClient(client, catalogue, popularity, options, new Random(ClientSeed(seed, client)), new Random(ClientSeed(~seed, client))))
            .ToList();
    }

    /// <summary>
    /// A stable mix of the run's seed and the client's index (SplitMix64's finaliser);
    /// <see cref="HashCode"/> would differ from process to process.
    /// </summary>
    public static int ClientSeed(int seed, int client)
    {
        ulong z = unchecked((ulong)(uint)seed << 32 | (uint)client) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return unchecked((int)(z ^ (z >> 31)));
    }

    private static ClientWorkload ForClient(
        int client, IReadOnlyList<CatalogueTrack> catalogue, Zipf popularity, WorkloadOptions options, Random random, Random presence)
    {
        // Joining and leaving come from a stream of their own, so the sessions of a run without
        // them are the same as before they existed.
        var joinAt = presence.NextDouble() < options.LateJoinShare ? Milliseconds(Scale(options.ListeningTime, 0.5 * presence.NextDouble())) : TimeSpan.Zero;
        TimeSpan? leaveAt = presence.NextDouble() < options.EarlyLeaveShare
            ? joinAt + Milliseconds(Scale(options.ListeningTime - joinAt, 0.5 + 0.5 * presence.NextDouble()))
            : null;

        var sessions = new List<ListeningSession>();
        var left = (leaveAt ?? options.ListeningTime) - joinAt;
        string? previous = null;
        var history = new List<CatalogueTrack>();
        while (left > TimeSpan.Zero)
        {
            var idle = sessions.Count == 0
                ? Scale(options.StartSpread, random.NextDouble())
                : Scale(options.MeanIdleBetweenSessions, Exponential(random));
            int count = Geometric(random, options.MeanPlaysPerSession);
            var plays = new List<Listen>(count);
            for (int i = 0; i < count && left > TimeSpan.Zero; i++)
            {
                var track = random.NextDouble() < options.RepeatShare
                    ? Repeat(history, random, previous) ?? Choose(catalogue, popularity, random, previous)
                    : Choose(catalogue, popularity, random, previous);
                previous = track.TrackId;
                Remember(history, track, options.RepeatFrom);
                bool randomAccess = random.NextDouble() < options.RandomAccessShare;
                var startAt = randomAccess ? Milliseconds(Scale(track.Duration, random.NextDouble() * LatestStartShare)) : TimeSpan.Zero;
                var rest = track.Duration - startAt;
                TimeSpan? skipAfter = null;
                if (random.NextDouble() < options.SkipShare)
                {
                    var shortest = rest < ShortestListen ? rest : ShortestListen;
                    var longest = Scale(rest, 0.9);
                    skipAfter = longest <= shortest ? shortest : Milliseconds(shortest + Scale(longest - shortest, random.NextDouble()));
                }
                var heard = skipAfter ?? rest;
                plays.Add(new Listen(track.TrackId, startAt, randomAccess, heard, skipAfter is not null));
                left -= heard;
            }
            sessions.Add(new ListeningSession(Milliseconds(idle), plays));
        }
        return new ClientWorkload(client, sessions, joinAt, leaveAt);
    }

    /// <summary>A Zipf pick, drawn again (a few times) if it is the track just played: nobody queues a track after itself.</summary>
    private static CatalogueTrack Choose(IReadOnlyList<CatalogueTrack> catalogue, Zipf popularity, Random random, string? previous)
    {
        var track = catalogue[popularity.Next(random)];
        for (int attempt = 0; attempt < 8 && track.TrackId == previous && catalogue.Count > 1; attempt++)
        {
            track = catalogue[popularity.Next(random)];
        }
        return track;
    }

    /// <summary>One of the listener's recent tracks other than the one just played, or null when there is none.</summary>
    private static CatalogueTrack? Repeat(List<CatalogueTrack> history, Random random, string? previous)
    {
        var candidates = history.Where(t => t.TrackId != previous).ToList();
        return candidates.Count == 0 ? null : candidates[random.Next(candidates.Count)];
    }

    /// <summary>Keeps the most recent distinct tracks, newest last.</summary>
    private static void Remember(List<CatalogueTrack> history, CatalogueTrack track, int keep)
    {
        history.RemoveAll(t => t.TrackId == track.TrackId);
        history.Add(track);
        if (history.Count > keep) history.RemoveAt(0);
    }

    /// <summary>At least one play, mean <paramref name="mean"/>.</summary>
    private static int Geometric(Random random, double mean)
    {
        if (mean <= 1) return 1;
        double p = 1 / mean;
        double u = 1 - random.NextDouble(); // (0, 1]: the logarithm stays finite
        return 1 + (int)Math.Min(10_000, Math.Floor(Math.Log(u) / Math.Log(1 - p)));
    }

    private static double Exponential(Random random) => -Math.Log(1 - random.NextDouble());

    private static TimeSpan Scale(TimeSpan value, double factor) => TimeSpan.FromTicks((long)(value.Ticks * factor));

    private static TimeSpan Milliseconds(TimeSpan value) => TimeSpan.FromMilliseconds(Math.Round(value.TotalMilliseconds));
}
