using Spotify.Rx.Client;
using Spotify.Rx.Swarm.Report;

namespace Spotify.Rx.Swarm.Tests;

public class ReportOutputTests
{
    private static readonly PlayReport[] Plays =
    [
        new("peer-a", "t1", TimeSpan.Zero, TimeSpan.FromMilliseconds(12), 0, 0, 88, 358, 554, false),
        new("peer-b", "t2", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(31), 1, 1, 500, 500, 0, true),
    ];

    private static readonly SwarmSample[] Timeline =
    [
        new(TimeSpan.FromSeconds(0.25), 2, 2, 0, 1, 0, 1, 1, 0, 10, 0, 0),
        new(TimeSpan.FromSeconds(0.5), 2, 1, 1, 2, 1, 2, 1, 1, 588, 858, 554),
    ];

    private static SwarmReport Report() => ReportBuilder.Build(
        new RunSettings(2, TimeSpan.FromSeconds(30), 8, 10, 1.1, "lru", 5, "dotnet run --project tools/Swarm -- --clients 2"),
        TimeSpan.FromSeconds(30.4), Plays, Timeline);

    [Fact]
    public void Markdown_shows_the_shares_beside_the_papers_and_the_command_to_repeat_the_run()
    {
        var md = MarkdownReport.Render(Report());

        Assert.Contains("`dotnet run --project tools/Swarm -- --clients 2`", md);
        Assert.Contains("| server | 588 B | 29.4 % | 8.8 % |", md);
        Assert.Contains("| peers | 858 B | 42.9 % | 35.8 % |", md);
        Assert.Contains("| cache | 554 B | 27.7 % | 55.4 % |", md);
        Assert.Contains("| all | 2 | 12 | 31 | 31 | 31 | 21.5 |", md);
    }

    [Fact]
    public void Markdown_links_the_charts_it_is_given()
    {
        var md = MarkdownReport.Render(Report(), ["overlay-use.png"]);

        Assert.Contains("![overlay-use](overlay-use.png)", md);
    }

    [Fact]
    public void Json_carries_the_figures_back_unchanged()
    {
        var report = Report();

        var parsed = JsonReport.Parse(JsonReport.Render(report));

        Assert.NotNull(parsed);
        Assert.Equal(report.Bytes, parsed.Bytes);
        Assert.Equal(report.TimeToFirstAudio, parsed.TimeToFirstAudio);
        Assert.Equal(report.Settings, parsed.Settings);
        Assert.Equal(report.Timeline, parsed.Timeline);
    }

    [Fact]
    public void Charts_are_written_as_png_files()
    {
        var folder = Path.Combine(Path.GetTempPath(), "swarm-charts-" + Guid.NewGuid().ToString("N"));
        try
        {
            var written = Charts.WriteAll(Report(), Plays, folder);

            Assert.Equal(3, written.Count);
            Assert.All(written, name =>
            {
                var bytes = File.ReadAllBytes(Path.Combine(folder, name));
                Assert.True(bytes.Length > 1000, $"{name} has {bytes.Length} bytes");
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
            });
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
