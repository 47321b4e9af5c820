using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Tests;

public class NeighboursTests
{
    [Fact]
    public void Every_client_gets_at_least_the_asked_number_of_neighbours_and_never_itself()
    {
        var links = Neighbours.Choose(20, 3, new Random(1));

        Assert.All(links, l => Assert.NotEqual(l.From, l.To));
        Assert.All(Enumerable.Range(0, 20), client =>
            Assert.True(links.Count(l => l.From == client || l.To == client) >= 3, $"client {client} has too few neighbours"));
    }

    [Fact]
    public void Each_pair_is_linked_once()
    {
        var links = Neighbours.Choose(10, 4, new Random(2));

        Assert.Equal(links.Count, links.Distinct().Count());
        Assert.All(links, l => Assert.True(l.From < l.To));
    }

    [Fact]
    public void A_swarm_smaller_than_the_wish_links_everyone_to_everyone()
    {
        var links = Neighbours.Choose(3, 5, new Random(3));

        Assert.Equal([(0, 1), (0, 2), (1, 2)], links);
    }

    [Fact]
    public void The_same_seed_gives_the_same_overlay()
    {
        Assert.Equal(Neighbours.Choose(15, 3, new Random(4)), Neighbours.Choose(15, 3, new Random(4)));
    }
}
