namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// The overlay the swarm starts with: each client links to a few others drawn from the seed,
/// links go both ways (a SEARCH travels over either end), and nobody links to itself.
/// </summary>
public static class Neighbours
{
    public static IReadOnlyList<(int From, int To)> Choose(int clients, int perClient, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(clients);
        ArgumentOutOfRangeException.ThrowIfNegative(perClient);
        ArgumentNullException.ThrowIfNull(random);
        var links = new HashSet<(int, int)>();
        int wanted = Math.Min(perClient, clients - 1);
        for (int client = 0; client < clients; client++)
        {
            var others = Enumerable.Range(0, clients).Where(c => c != client).ToArray();
            random.Shuffle(others);
            foreach (var other in others.Take(wanted))
            {
                links.Add((Math.Min(client, other), Math.Max(client, other)));
            }
        }
        return links.OrderBy(l => l.Item1).ThenBy(l => l.Item2).ToList();
    }
}
