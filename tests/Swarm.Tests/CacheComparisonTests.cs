using Spotify.Rx.Client;
using Spotify.Rx.Swarm.Report;

namespace Spotify.Rx.Swarm.Tests;

public class CacheComparisonTests
{
    private static SwarmReport Run(string cache, long server, long peers, long cache_, int stutters)
    {
        var settings = new RunSettings(10, TimeSpan.FromSeconds(240), 8, 120, 1.0, cache, 3,
            $"dotnet run --project tools/Swarm -- --clients 10 --cache {cache} --seed 3 --catalogue paper --warmup 60", TimeSpan.FromSeconds(60), "paper");
        var play = new PlayReport("peer-000", "t", TimeSpan.Zero, TimeSpan.FromMilliseconds(20), 0, stutters, 1, 1, 1, false);
        var observed = new SwarmObservations(
            [new(TimeSpan.FromSeconds(100), play), new(TimeSpan.FromSeconds(110), play with { Stutters = 0 })],
            [new(TimeSpan.FromSeconds(60), "peer-000", "Playing", "t", TimeSpan.FromSeconds(20), false, 0, 0, 0, 1, 0, 1),
             new(TimeSpan.FromSeconds(200), "peer-000", "Playing", "t", TimeSpan.FromSeconds(20), false, server, peers, cache_, 1, 0, 1)],
            []);
        return ReportBuilder.Build(settings, TimeSpan.FromSeconds(241), observed, []);
    }

    [Fact]
    public void Both_policies_stand_side_by_side_with_the_papers_figures_and_the_command_that_repeats_both()
    {
        var md = CacheComparison.Render([Run("ttl30", 500, 400, 100, 1), Run("lru", 100, 300, 600, 0)]);

        Assert.Contains("`dotnet run --project tools/Swarm -- --clients 10 --seed 3 --catalogue paper --warmup 60 --compare-cache`", md);
        Assert.Contains("| | ttl30 | lru | Spotify 2010 |", md);
        Assert.Contains("| steady state: server | 50.0 % | 10.0 % | 8.8 % |", md);
        Assert.Contains("| steady state: cache | 10.0 % | 60.0 % | 55.4 % |", md);
        Assert.Contains("| steady state: plays with a stutter | 1 of 2 (50.0 %) | 0 of 2 (0.0 %) | < 1 % |", md);
    }
}
