using Spotify.Rx.Client;
using Spectre.Console;

namespace Spotify.Rx.Swarm.Report;

/// <summary>Writes a report into its folder: report.md, report.json and, when they can be drawn, the charts.</summary>
public static class ReportFiles
{
    public static IReadOnlyList<string> Write(SwarmReport report, IReadOnlyList<PlayReport> plays, string folder, bool charts, IAnsiConsole console)
    {
        Directory.CreateDirectory(folder);
        IReadOnlyList<string> images = [];
        if (charts)
        {
            try
            {
                images = Charts.WriteAll(report, plays, folder);
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
        return [md, json, .. images.Select(i => Path.Combine(folder, i))];
    }
}
