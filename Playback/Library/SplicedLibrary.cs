using Spotify.Rx.Playback.Ogg;
using Spotify.Rx.Playback.Opus;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Playback.Library;

/// <summary>What <see cref="SplicedLibrary"/> makes. The same options always make the same bytes.</summary>
public sealed record SplicedLibraryOptions
{
    /// <summary>Tracks in the catalogue.</summary>
    public int Count { get; init; } = 120;
    /// <summary>Songs rendered and encoded for real; every catalogue track is cut from their packets.</summary>
    public int Sources { get; init; } = 12;
    public int Seed { get; init; } = 2010;
    public TimeSpan MinLength { get; init; } = TimeSpan.FromMinutes(3);
    public TimeSpan MaxLength { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Each track is a run of sections of about this length, each from a source song at some position.</summary>
    public TimeSpan MinSection { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan MaxSection { get; init; } = TimeSpan.FromSeconds(60);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(Sources, 1);
        if (MinLength <= TimeSpan.Zero || MaxLength < MinLength) throw new ArgumentException("lengths must satisfy 0 < MinLength <= MaxLength");
        if (MinSection < TimeSpan.FromSeconds(1) || MaxSection < MinSection) throw new ArgumentException("sections must satisfy 1 s <= MinSection <= MaxSection");
    }
}

/// <summary>
/// A large catalogue of long tracks made cheaply: a few songs are composed, rendered and encoded once
/// (<see cref="SampleLibrary"/>, in the <c>sources</c> subfolder), and every catalogue track is a new
/// Ogg Opus stream made of whole-page sections of their packets in a seeded order. Encoding is most of
/// a track's cost (docs/PLAYBACK.md), so 120 tracks of 3-5 minutes cost about as much as 12 songs, and
/// each track is still a real Ogg Opus file with its own serial, granules and manifest that any
/// decoder plays (a section boundary is a cut between two songs, as in a DJ mix).
/// </summary>
public static class SplicedLibrary
{
    public const string SourcesFolder = "sources";

    /// <summary>Makes sure every catalogue track is whole in <paramref name="folder"/> and opens the folder as a library.</summary>
    public static async Task<TrackLibrary> EnsureAsync(string folder, SplicedLibraryOptions options,
        IProgress<SampleLibraryProgress>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        Directory.CreateDirectory(folder);
        var plans = Plan(options);
        var missing = plans.Where(p => !LibraryFolder.IsComplete(folder, p.Id)).ToList();
        foreach (var plan in plans.Except(missing)) progress?.Report(new(plan.Index, plans.Count, plan.Id, plan.Title, 1, Reused: true));
        if (missing.Count > 0)
        {
            var sourceLibrary = await SampleLibrary.EnsureAsync(Path.Combine(folder, SourcesFolder), SourceOptions(options), progress, ct).ConfigureAwait(false);
            var sourceIds = SampleLibrary.Plan(SourceOptions(options)).Select(p => p.Id).ToList();
            var sources = sourceIds.Select(id => ReadSource(sourceLibrary.AudioPath(id))).ToList();
            await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
                async (plan, token) =>
                {
                    await WriteAsync(folder, plan, sources, token).ConfigureAwait(false);
                    progress?.Report(new(plan.Index, plans.Count, plan.Id, plan.Title, 1));
                }).ConfigureAwait(false);
        }
        return TrackLibrary.Open(folder);
    }

    /// <summary>The source songs: as long as the longest catalogue track, so a section never runs past a song's end.</summary>
    public static SampleLibraryOptions SourceOptions(SplicedLibraryOptions options) => new()
    {
        Count = options.Sources,
        Seed = options.Seed,
        MinLength = options.MaxLength,
        MaxLength = options.MaxLength,
    };

    /// <summary>The catalogue's tracks and their sections, decided before any audio exists.</summary>
    public static IReadOnlyList<SplicedTrackPlan> Plan(SplicedLibraryOptions options)
    {
        options.Validate();
        var random = new Random(options.Seed);
        // Whole pages (one second each) keep every page of the new stream full, like the encoder's own.
        int sourcePages = PagesIn(options.MaxLength);
        var plans = new List<SplicedTrackPlan>(options.Count);
        for (int i = 0; i < options.Count; i++)
        {
            int pages = Math.Max(1, PagesIn(options.MinLength + (options.MaxLength - options.MinLength) * random.NextDouble()));
            var sections = new List<SplicedSection>();
            for (int filled = 0; filled < pages;)
            {
                int length = Math.Min(pages - filled, PagesIn(options.MinSection + (options.MaxSection - options.MinSection) * random.NextDouble()));
                int source = random.Next(options.Sources);
                int from = random.Next(Math.Max(1, sourcePages - length));
                sections.Add(new SplicedSection(source, from, length));
                filled += length;
            }
            plans.Add(new SplicedTrackPlan(i, $"c{(uint)options.Seed}-{i + 1:000}", $"Mix {i + 1}", sections));
        }
        return plans;
    }

    private static int PagesIn(TimeSpan length) => (int)(length.TotalSeconds * OpusFormat.SampleRate / OpusFormat.PageSamples);

    /// <summary>A source song's pre-skip and its audio packets, page by page.</summary>
    private static SourceSong ReadSource(string path)
    {
        using var stream = File.OpenRead(path);
        var reader = new OggPageReader(stream);
        var pages = new List<ReadOnlyMemory<byte>[]>();
        OpusHead? head = null;
        int headers = 0;
        while (reader.ReadPage() is { } page)
        {
            if (headers < 2)
            {
                if (headers == 0) head = OpusHead.Parse(page.Pieces[0].Span);
                headers++;
                continue;
            }
            if (page.LastPacketContinues) throw new InvalidDataException($"{path}: a packet continues across pages; the generator never writes that");
            pages.Add([.. page.Pieces]);
        }
        return new SourceSong(head?.PreSkip ?? throw new InvalidDataException($"{path}: no OpusHead"), pages);
    }

    private static async Task WriteAsync(string folder, SplicedTrackPlan plan, IReadOnlyList<SourceSong> sources, CancellationToken ct)
    {
        var first = sources[plan.Sections[0].Source];
        const string artist = "Spotify.Rx sample catalogue";
        uint serial = Serial(plan.Id);
        var tags = OpusTags.For(plan.Title, artist);
        using var output = new MemoryStream();
        {
            uint sequence = 0;
            output.Write(OggPage.Build(OggHeaderType.BeginningOfStream, 0, serial, sequence++, [new OpusHead(OpusFormat.Channels, first.PreSkip, OpusFormat.SampleRate).ToBytes()]));
            output.Write(OggPage.Build(OggHeaderType.None, 0, serial, sequence++, [tags.ToBytes()]));
            int total = plan.Sections.Sum(s => s.Pages), written = 0;
            long granule = 0;
            foreach (var section in plan.Sections)
            {
                var song = sources[section.Source];
                for (int p = 0; p < section.Pages; p++)
                {
                    ct.ThrowIfCancellationRequested();
                    var packets = song.Pages[Math.Min(section.FromPage + p, song.Pages.Count - 1)];
                    granule += packets.Length * OpusFormat.FrameSamples;
                    bool last = ++written == total;
                    output.Write(OggPage.Build(last ? OggHeaderType.EndOfStream : OggHeaderType.None, granule, serial, sequence++, packets));
                }
            }
        }
        var bytes = output.GetBuffer().AsMemory(0, (int)output.Length);
        var manifest = ManifestBuilder.Build(plan.Id, bytes, plan.Title, artist);
        // Audio first, manifest last, each under a temporary name: a manifest on disk means a whole track.
        string audio = LibraryFolder.AudioFile(folder, plan.Id), manifestPath = LibraryFolder.ManifestFile(folder, plan.Id);
        string unique = $".{Environment.ProcessId}-{Guid.NewGuid():N}.partial";
        try
        {
            await File.WriteAllBytesAsync(audio + unique, bytes, ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(manifestPath + unique, ManifestJson.Serialize(manifest), ct).ConfigureAwait(false);
            File.Move(audio + unique, audio, overwrite: true);
            File.Move(manifestPath + unique, manifestPath, overwrite: true);
        }
        finally
        {
            File.Delete(audio + unique);
            File.Delete(manifestPath + unique);
        }
    }

    /// <summary>A stable Ogg serial per track (FNV-1a of its id), so the same options write the same bytes.</summary>
    private static uint Serial(string id)
    {
        uint h = 2166136261;
        foreach (char c in id) h = (h ^ c) * 16777619;
        return h;
    }

    private sealed record SourceSong(int PreSkip, IReadOnlyList<ReadOnlyMemory<byte>[]> Pages);
}

/// <summary>One catalogue track before it is written: its sections in order.</summary>
public sealed record SplicedTrackPlan(int Index, string Id, string Title, IReadOnlyList<SplicedSection> Sections);

/// <summary><see cref="Pages"/> one-second pages of source song <see cref="Source"/>, from its page <see cref="FromPage"/>.</summary>
public sealed record SplicedSection(int Source, int FromPage, int Pages);
