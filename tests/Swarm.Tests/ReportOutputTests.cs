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

    private static readonly ClientSample[] Samples =
    [
        new(TimeSpan.FromSeconds(0.25), "peer-a", "Playing", "t1", TimeSpan.FromSeconds(4), false, 10, 0, 0, 1, 0, 1),
        new(TimeSpan.FromSeconds(0.25), "peer-b", "Idle", null, TimeSpan.Zero, false, 0, 0, 0, 0, 0, 0),
        new(TimeSpan.FromSeconds(0.5), "peer-a", "Playing", "t1", TimeSpan.FromSeconds(25), true, 88, 358, 554, 1, 1, 1),
        new(TimeSpan.FromSeconds(0.5), "peer-b", "Underrun", "t2", TimeSpan.FromSeconds(1), false, 500, 500, 0, 1, 0, 1),
    ];

    private static readonly SwarmObservations Observed = new(
        [new(TimeSpan.FromSeconds(0.4), Plays[0]), new(TimeSpan.FromSeconds(0.5), Plays[1])],
        Samples,
        [new(TimeSpan.Zero, "peer-a", "join", "127.0.0.1:4000"), new(TimeSpan.FromSeconds(0.3), "peer-b", "rule", "fallback, \"server\"")]);

    private static SwarmReport Report() => ReportBuilder.Build(
        new RunSettings(2, TimeSpan.FromSeconds(30), 8, 10, 1.1, "lru", 5, "dotnet run --project tools/Swarm -- --clients 2", TimeSpan.FromSeconds(0.3)),
        TimeSpan.FromSeconds(30.4), Observed, Timeline);

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
    public void Json_carries_the_steady_state_shares_as_fractions()
    {
        using var json = System.Text.Json.JsonDocument.Parse(JsonReport.Render(Report()));

        var steady = json.RootElement.GetProperty("steadyState");
        // After 0.3 s: peer-a grew 78 / 358 / 554 bytes, peer-b 500 / 500 / 0 (1990 in all).
        Assert.Equal(578 / 1990.0, steady.GetProperty("server").GetDouble(), 9);
        Assert.Equal(858 / 1990.0, steady.GetProperty("peers").GetDouble(), 9);
        Assert.Equal(554 / 1990.0, steady.GetProperty("cache").GetDouble(), 9);
        Assert.Equal(2, steady.GetProperty("plays").GetInt32());
        Assert.Equal(0.5, steady.GetProperty("stutterRate").GetDouble());
        Assert.Equal(31, steady.GetProperty("timeToFirstAudio").GetProperty("p90").GetDouble());
    }

    [Fact]
    public void Markdown_sets_the_steady_state_beside_the_papers()
    {
        var md = MarkdownReport.Render(Report());

        Assert.Contains("## Steady state (wall time from 0.3 s on)", md);
        Assert.Contains("| this swarm | 29.0 % | 43.1 % | 27.8 % |", md);
        Assert.Contains("| Spotify 2010 | 8.8 % | 35.8 % | 55.4 % |", md);
    }

    [Fact]
    public void The_raw_files_hold_one_row_per_play_and_per_client_sample_and_one_json_line_per_event()
    {
        var plays = DataFiles.PlaysCsv(Observed.Plays).TrimEnd('\n').Split('\n');
        var samples = DataFiles.SamplesCsv(Observed.Samples).TrimEnd('\n').Split('\n');
        var events = DataFiles.EventsJsonl(Observed.Events).TrimEnd('\n').Split('\n');

        Assert.Equal(3, plays.Length);
        Assert.Equal("0.500,peer-b,t2,20,1,31,1,1,500,500,0", plays[2]);
        Assert.Equal(5, samples.Length);
        Assert.Equal("0.500,peer-b,Underrun,t2,1,0,500,500,0,1,0,1", samples[4]);
        Assert.Equal(2, events.Length);
        using var rule = System.Text.Json.JsonDocument.Parse(events[1]);
        Assert.Equal("fallback, \"server\"", rule.RootElement.GetProperty("detail").GetString());
        Assert.Equal("\"a, \"\"b\"\"\"", DataFiles.Field("a, \"b\""));
    }

    [Fact]
    public void The_heat_map_grid_has_a_row_per_client_with_the_lowest_buffer_and_nothing_where_a_client_was_not_playing()
    {
        var grid = Charts.BufferGrid(Samples, out double column);

        Assert.Equal(0.25, column);
        Assert.Equal(2, grid.GetLength(0));
        Assert.Equal(3, grid.GetLength(1));
        Assert.True(double.IsNaN(grid[0, 0]), "no sample before 0.25 s");
        Assert.Equal(4, grid[0, 1]);
        Assert.True(double.IsNaN(grid[1, 1]), "an idle client has no buffer to show");
        Assert.Equal(Charts.FullBuffer.TotalSeconds, grid[0, 2]);
        Assert.Equal(1, grid[1, 2]);
    }

    [Fact]
    public void Charts_are_written_as_png_files()
    {
        var folder = Path.Combine(Path.GetTempPath(), "swarm-charts-" + Guid.NewGuid().ToString("N"));
        try
        {
            var written = Charts.WriteAll(Report(), Observed, folder);

            Assert.Equal(["time-to-first-audio.png", "byte-sources.png", "shares-over-time.png", "buffer-heat-map.png", "overlay-use.png"], written);
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
