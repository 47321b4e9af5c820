using System.Diagnostics;
using Spectre.Console;
using Spotify.Rx.Playback.Import;
using Spotify.Rx.Playback.Library;

// The sample-library tool: `generate [--count N] [--seed S] [--out DIR] [--min-seconds A] [--max-seconds B]`
// and `import <folder> [--out DIR]`. Both write into the library folder (data/library by default).
return args switch
{
    ["generate", .. var rest] => await Commands.Generate(new Arguments(rest)),
    ["import", var folder, .. var rest] => await Commands.Import(folder, new Arguments(rest)),
    _ => Commands.Usage(),
};

internal static class Commands
{
    public static int Usage()
    {
        Console.Error.WriteLine("""
            usage:
              Library generate [--count N] [--seed S] [--out DIR] [--min-seconds A] [--max-seconds B] [--complexity C]
              Library import <folder> [--out DIR]
            The library folder defaults to data/library under the current directory.
            """);
        return 2;
    }

    public static async Task<int> Generate(Arguments a)
    {
        var defaults = new SampleLibraryOptions();
        var options = defaults with
        {
            Count = a.Int("--count") ?? defaults.Count,
            Seed = a.Int("--seed") ?? defaults.Seed,
            MinLength = a.Int("--min-seconds") is int min ? TimeSpan.FromSeconds(min) : defaults.MinLength,
            MaxLength = a.Int("--max-seconds") is int max ? TimeSpan.FromSeconds(max) : defaults.MaxLength,
            Complexity = a.Int("--complexity") ?? defaults.Complexity,
        };
        string folder = a.String("--out") ?? SampleLibraryOptions.DefaultFolder;
        var clock = Stopwatch.StartNew();
        var library = Interactive
            ? await WithProgressBars(folder, options)
            : await SampleLibrary.EnsureAsync(folder, options, new PlainLines());
        var audio = TimeSpan.FromSeconds(library.Tracks.Sum(t => t.Duration.TotalSeconds));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Console.WriteLine($"{library.Tracks.Count} tracks ({audio:hh\\:mm\\:ss} of audio) in {library.Folder}; took {clock.Elapsed.TotalSeconds:0.0} s ({cpu.TotalSeconds:0.0} s of CPU)");
        return 0;
    }

    private static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    private static async Task<Spotify.Rx.Playback.Tracks.TrackLibrary> WithProgressBars(string folder, SampleLibraryOptions options)
    {
        Spotify.Rx.Playback.Tracks.TrackLibrary? library = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new Reporter<SampleLibraryProgress>(p =>
                {
                    lock (tasks)
                    {
                        if (!tasks.TryGetValue(p.TrackId, out var task))
                            tasks[p.TrackId] = task = ctx.AddTask(Markup.Escape($"{p.Index + 1,2}/{p.Total} {p.Title}{(p.Reused ? " (kept)" : "")}"), maxValue: 1);
                        task.Value = p.Fraction;
                    }
                });
                library = await SampleLibrary.EnsureAsync(folder, options, progress);
            });
        return library!;
    }

    /// <summary>One line per finished track: what a log or CI wants instead of redrawn bars.</summary>
    private sealed class PlainLines : IProgress<SampleLibraryProgress>
    {
        public void Report(SampleLibraryProgress p)
        {
            // Console.WriteLine is thread-safe; only finished tracks are worth a line.
            if (p.Fraction >= 1) Console.WriteLine($"{p.Index + 1,2}/{p.Total} {p.TrackId} {(p.Reused ? "kept" : "written")}");
        }
    }

    public static async Task<int> Import(string source, Arguments a)
    {
        if (!Directory.Exists(source)) { Console.Error.WriteLine($"no folder {source}"); return 2; }
        string folder = a.String("--out") ?? SampleLibraryOptions.DefaultFolder;
        var results = await TrackImporter.ImportFolderAsync(source, folder, new Reporter<ImportResult>(r =>
            Console.WriteLine(r.Imported
                ? $"imported {r.SourcePath} -> {r.Track!.Id} ({r.Track.Artist} - {r.Track.Title}, {r.Track.Duration:mm\\:ss})"
                : $"skipped  {r.SourcePath}: {r.Error}")));
        int skipped = results.Count(r => !r.Imported);
        Console.WriteLine($"{results.Count - skipped} imported, {skipped} skipped, into {Path.GetFullPath(folder)}");
        return skipped == 0 ? 0 : 1;
    }
}

/// <summary>Reports on the caller's thread, at once: <see cref="Progress{T}"/> would post them later, out of order.</summary>
internal sealed class Reporter<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

internal sealed class Arguments(string[] args)
{
    public string? String(string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public int? Int(string name) => String(name) is { } s
        ? int.TryParse(s, out int v) ? v : throw new ArgumentException($"{name} needs a whole number, not '{s}'")
        : null;
}
