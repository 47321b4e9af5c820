using Spotify.Rx.Playback.Opus;
using Spotify.Rx.Playback.Synth;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Playback.Library;

/// <summary>
/// The generated sample library (docs/ARCHITECTURE.md "One encoding"): songs composed from a seed, rendered with NAudio,
/// encoded to the one encoding, written once into a folder and reused from then on.
/// </summary>
public static class SampleLibrary
{
    /// <summary>
    /// Makes sure every track the options describe is whole in <paramref name="folder"/> (generating only the
    /// missing ones, in parallel) and opens the folder as a library.
    /// </summary>
    public static async Task<TrackLibrary> EnsureAsync(string folder, SampleLibraryOptions options,
        IProgress<SampleLibraryProgress>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        Directory.CreateDirectory(folder);
        var plans = Plan(options);
        var missing = new List<TrackPlan>();
        foreach (var plan in plans)
        {
            if (LibraryFolder.IsComplete(folder, plan.Id)) progress?.Report(new(plan.Index, plans.Count, plan.Id, plan.Song.Title, 1, Reused: true));
            else missing.Add(plan);
        }
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct },
            async (plan, token) => await Task.Run(() => Generate(folder, plan, plans.Count, options.Complexity, progress, token), token));
        return TrackLibrary.Open(folder);
    }

    /// <summary>The tracks the options describe, composed but not rendered.</summary>
    public static IReadOnlyList<TrackPlan> Plan(SampleLibraryOptions options)
    {
        var lengths = new Random(options.Seed);
        var plans = new List<TrackPlan>(options.Count);
        for (int i = 0; i < options.Count; i++)
        {
            double seconds = options.MinLength.TotalSeconds + lengths.NextDouble() * (options.MaxLength - options.MinLength).TotalSeconds;
            // Whole milliseconds keep durations readable; the audio itself is sample-exact.
            var length = TimeSpan.FromMilliseconds(Math.Round(seconds * 1000));
            var song = Composer.Compose(unchecked(options.Seed * 7919 + i), length);
            plans.Add(new TrackPlan(i, IdFor(options.Seed, i, song.Title), song));
        }
        return plans;
    }

    private static string IdFor(int seed, int index, string title)
    {
        string slug = new string(title.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return $"s{(uint)seed}-{index + 1:00}-{slug}";
    }

    private static async Task Generate(string folder, TrackPlan plan, int total, int complexity,
        IProgress<SampleLibraryProgress>? progress, CancellationToken ct)
    {
        var song = plan.Song;
        await LibraryFolder.WriteTrackAsync(folder, plan.Id, song.Title, song.Artist, writer =>
        {
            var renderer = new SongRenderer(song);
            var buffer = new float[OpusFormat.PageSamples * OpusFormat.Channels];
            long done = 0;
            int read;
            while ((read = renderer.Read(buffer)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                writer.Write(buffer.AsSpan(0, read));
                done += read / OpusFormat.Channels;
                progress?.Report(new(plan.Index, total, plan.Id, song.Title, done / (double)song.Frames));
            }
        }, complexity, ct);
    }
}

/// <summary>One track of the sample library before it is rendered.</summary>
public sealed record TrackPlan(int Index, string Id, Song Song);
