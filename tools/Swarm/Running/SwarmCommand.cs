using Spectre.Console;
using Spotify.Rx.Swarm.Report;

namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// What the swarm command does once its options are read: one run and its report, or with
/// <see cref="SwarmSettings.CompareCache"/> the same workload once per cache policy, each report in
/// its own folder under <see cref="SwarmSettings.Out"/>, and the two side by side.
/// </summary>
public static class SwarmCommand
{
    /// <summary>The exit code: 0 when every client of every run did its part, 1 when one failed.</summary>
    public static async Task<int> RunAsync(SwarmSettings settings, SwarmParts parts, IAnsiConsole console, CancellationToken ct)
    {
        settings.Validate();
        if (!settings.CompareCache) return Failed(await RunOneAsync(settings, parts, console, ct).ConfigureAwait(false)) ? 1 : 0;

        var reports = new List<SwarmReport>();
        foreach (var cache in new[] { CacheChoice.Ttl30, CacheChoice.Lru })
        {
            var one = settings with { Cache = cache, CompareCache = false };
            one = one with { Out = Path.Combine(settings.Out, one.CacheName) };
            SwarmRun.Say(console, $"--compare-cache: the {one.CacheName} run");
            reports.Add(await RunOneAsync(one, parts, console, ct).ConfigureAwait(false));
        }
        Directory.CreateDirectory(settings.Out);
        var md = Path.Combine(settings.Out, "comparison.md");
        var json = Path.Combine(settings.Out, "comparison.json");
        var table = CacheComparison.Render(reports);
        File.WriteAllText(md, table);
        File.WriteAllText(json, CacheComparison.Json(reports));
        var stdout = console.Profile.Out.Writer;
        stdout.WriteLine();
        stdout.WriteLine(table);
        stdout.WriteLine($"written: {md}, {json}");
        return reports.Any(Failed) ? 1 : 0;
    }

    private static bool Failed(SwarmReport report) => report.Failures.Count > 0;

    private static async Task<SwarmReport> RunOneAsync(SwarmSettings settings, SwarmParts parts, IAnsiConsole console, CancellationToken ct)
    {
        var (report, observed) = await SwarmRun.RunAsync(settings, parts, console, ct).ConfigureAwait(false);
        var written = ReportFiles.Write(report, observed, settings.Out, settings.Charts, console);
        // Plain text, not Spectre: its wrapping at 80 columns would break the Markdown tables.
        var stdout = console.Profile.Out.Writer;
        stdout.WriteLine();
        stdout.WriteLine(MarkdownReport.Render(report));
        stdout.WriteLine($"written: {string.Join(", ", written)}");
        return report;
    }
}
