namespace Spotify.Rx.Playback.Library;

/// <summary>What the sample-library generator makes. The same options always make the same bytes.</summary>
public sealed record SampleLibraryOptions
{
    /// <summary>The project's library folder when nothing else is configured: <c>data/library</c> under the current directory.</summary>
    public static string DefaultFolder => Path.Combine(Environment.CurrentDirectory, "data", "library");

    public int Count { get; init; } = 16;
    public int Seed { get; init; } = 2010;
    public TimeSpan MinLength { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan MaxLength { get; init; } = TimeSpan.FromMinutes(4);
    /// <summary>Tracks encoded at once; each encoder is single-threaded.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
    /// <summary>
    /// Opus encoder complexity (0-10). 0 rather than libopus's 10: at 160 kbit/s CBR there are bits to spare for
    /// synthetic songs, and it halves encoding CPU, which is what keeps the default library under a minute on
    /// two cores (docs/PLAYBACK.md). The importer keeps 10 for users' music.
    /// </summary>
    public int Complexity { get; init; } = 0;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Count);
        if (MinLength <= TimeSpan.Zero || MaxLength < MinLength) throw new ArgumentException("lengths must satisfy 0 < MinLength <= MaxLength");
        ArgumentOutOfRangeException.ThrowIfLessThan(Parallelism, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Complexity, 10);
        ArgumentOutOfRangeException.ThrowIfNegative(Complexity);
    }
}

/// <summary>Progress of one track: <see cref="Fraction"/> in [0, 1]; <see cref="Reused"/> when it was already on disk.</summary>
public sealed record SampleLibraryProgress(int Index, int Total, string TrackId, string Title, double Fraction, bool Reused = false);
