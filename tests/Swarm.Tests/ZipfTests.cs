using Spotify.Rx.Swarm.Workload;

namespace Spotify.Rx.Swarm.Tests;

public class ZipfTests
{
    [Fact]
    public void Probabilities_over_all_ranks_sum_to_one()
    {
        var zipf = new Zipf(50, 1.2);
        Assert.Equal(1.0, Enumerable.Range(0, 50).Sum(zipf.Probability), 9);
    }

    [Fact]
    public void Rank_one_is_two_to_the_exponent_times_as_likely_as_rank_two()
    {
        var zipf = new Zipf(10, 1.5);
        Assert.Equal(Math.Pow(2, 1.5), zipf.Probability(0) / zipf.Probability(1), 9);
    }

    [Fact]
    public void Exponent_zero_makes_every_track_equally_popular()
    {
        var zipf = new Zipf(4, 0);
        Assert.All(Enumerable.Range(0, 4), k => Assert.Equal(0.25, zipf.Probability(k), 9));
    }

    [Fact]
    public void Drawn_ranks_follow_the_probabilities()
    {
        var zipf = new Zipf(20, 1.0);
        var random = new Random(7);
        var counts = new int[20];
        const int draws = 100_000;
        for (int i = 0; i < draws; i++) counts[zipf.Next(random)]++;

        Assert.Equal(zipf.Probability(0), counts[0] / (double)draws, 2);
        Assert.Equal(zipf.Probability(1), counts[1] / (double)draws, 2);
        Assert.Equal(zipf.Probability(19), counts[19] / (double)draws, 2);
    }

    [Fact]
    public void A_catalogue_of_one_track_always_draws_it()
    {
        var zipf = new Zipf(1, 1.0);
        var random = new Random(1);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(0, zipf.Next(random)));
    }
}
