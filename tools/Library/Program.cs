using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Spotify.Rx.Playback.Import;
using Spotify.Rx.Playback.Library;

// The sample-library tool: `generate` (the sample library) and `import <folder>` (your music), both
// into the library folder (data/library by default). Exit codes: 0 done, 1 failed, 2 bad usage.
var defaults = new SampleLibraryOptions();
Option<string> output = new("--out") { Description = "the library folder", DefaultValueFactory = _ => SampleLibraryOptions.DefaultFolder };

Option<int> count = new("--count") { Description = "tracks to generate", DefaultValueFactory = _ => defaults.Count };
Option<int> seed = new("--seed") { Description = "seed: the same options always make the same bytes", DefaultValueFactory = _ => defaults.Seed };
Option<int> minSeconds = new("--min-seconds") { Description = "shortest track, in seconds", DefaultValueFactory = _ => (int)defaults.MinLength.TotalSeconds };
Option<int> maxSeconds = new("--max-seconds") { Description = "longest track, in seconds", DefaultValueFactory = _ => (int)defaults.MaxLength.TotalSeconds };
Option<int> complexity = new("--complexity") { Description = "Opus encoder complexity, 0-10", DefaultValueFactory = _ => defaults.Complexity };
AtLeast(count, 1);
AtLeast(minSeconds, 1);
AtLeast(maxSeconds, 1);
Between(complexity, 0, 10);
var generate = new Command("generate", "Generate the sample library (synthetic songs, Ogg Opus and manifests)") { count, seed, minSeconds, maxSeconds, complexity, output };
generate.Validators.Add(r => Checked(() =>
{
    if (r.GetValue(maxSeconds) < r.GetValue(minSeconds))
        r.AddError($"--max-seconds ({r.GetValue(maxSeconds)}) must be at least --min-seconds ({r.GetValue(minSeconds)})");
}));
generate.SetAction((r, ct) => Commands.Generate(defaults with
{
    Count = r.GetValue(count),
    Seed = r.GetValue(seed),
    MinLength = TimeSpan.FromSeconds(r.GetValue(minSeconds)),
    MaxLength = TimeSpan.FromSeconds(r.GetValue(maxSeconds)),
    Complexity = r.GetValue(complexity),
}, r.GetValue(output)!));

Argument<string> source = new("folder") { Description = "a folder of MP3, WAV/AIFF or Ogg Vorbis files (searched recursively)" };
source.Validators.Add(r =>
{
    var folder = r.GetValueOrDefault<string>();
    if (!Directory.Exists(folder)) r.AddError($"no folder '{folder}'");
});
var import = new Command("import", "Import a folder of music into the library as Ogg Opus") { source, output };
import.SetAction((r, ct) => Commands.Import(r.GetValue(source)!, r.GetValue(output)!));

var root = new RootCommand("The Spotify.Rx track library: generate the sample library or import your music.") { generate, import };
root.SetAction(_ =>
{
    Console.Error.WriteLine("Library: say which command: generate or import (Library --help lists them).");
    return 2;
});

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Bad usage is exit code 2 with the reasons, not System.CommandLine's 1.
    foreach (var error in parse.Errors) Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine($"Run '{string.Join(' ', parse.CommandResult.Command.Name == root.Name ? "Library" : "Library " + parse.CommandResult.Command.Name)} --help' for the usage.");
    return 2;
}
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or ArgumentException
    or System.ComponentModel.Win32Exception)
{
    // One line, no stack trace: a missing ffmpeg or an unwritable folder is the user's to fix.
    Console.Error.WriteLine($"Library: {e.Message}");
    return 1;
}

static void AtLeast(Option<int> option, int least) => option.Validators.Add(r => Checked(() =>
{
    if (r.GetValueOrDefault<int>() < least) r.AddError($"{option.Name} must be at least {least}, not {r.GetValueOrDefault<int>()}");
}));

static void Between(Option<int> option, int least, int most) => option.Validators.Add(r => Checked(() =>
{
    var value = r.GetValueOrDefault<int>();
    if (value < least || value > most) r.AddError($"{option.Name} must be between {least} and {most}, not {value}");
}));

// Validators run even for a value that is not a number; the parser already reports that one
// ("Cannot parse argument 'x' for option '--count'"), so there is nothing more to check.
static void Checked(Action validate)
{
    try { validate(); }
    catch (InvalidOperationException) { }
}

internal static class Commands
{
    public static async Task<int> Generate(SampleLibraryOptions options, string folder)
    {
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

    public static async Task<int> Import(string source, string folder)
    {
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
