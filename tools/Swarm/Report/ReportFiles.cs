using Spectre.Console;

namespace Spotify.Rx.Swarm.Report;

/// <summary>
/// Writes a report into its folder: report.md, report.json, the raw observations (plays.csv,
/// samples.csv, events.jsonl) and, when they can be drawn, the charts.
/// </summary>
public static class ReportFiles
{
    public static IReadOnlyList<string> Write(SwarmReport report, SwarmObservations observed, string folder, bool charts, IAnsiConsole console)
    {
        Directory.CreateDirectory(folder);
        IReadOnlyList<string> images = [];
        if (charts)
        {
            try
            {
                images = Charts.WriteAll(report, observed, folder);
            }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
            {
                // SkiaSharp's native library is missing on this machine: the figures matter more than the pictures.
                console.MarkupLine($"[yellow]charts skipped: {Markup.Escape(e.Message)}[/]");
            }
        }
        var md = Path.Combine(folder, "report.md");
        var json = Path.Combine(folder, "report.json");
        File.WriteAllText(md, MarkdownReport.Render(report, images));
        File.WriteAllText(json, JsonReport.Render(report));
        var data = DataFiles.WriteAll(observed, folder);
        return [md, json, .. data.Select(d => Path.Combine(folder, d)), .. images.Select(i => Path.Combine(folder, i))];
    }
}
