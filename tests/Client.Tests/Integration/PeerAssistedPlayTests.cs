namespace Spotify.Rx.Client.Tests.Integration;

public sealed class PeerAssistedPlayTests(Swarm swarm, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<Swarm>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Second_and_third_clients_get_most_of_a_track_the_first_cached_from_peers_without_a_stutter()
    {
        var track = swarm.TrackId(0);
        var first = await swarm.ClientAsync("first");
        var registered = Swarm.Next(first, "cache", track);
        await first.PlayAsync([new PlayItem(track, TimeSpan.Zero)]).WaitAsync(Bound);
        await registered;
        var one = Assert.Single(first.Reports);
        Assert.Equal(0, one.PeerBytes);
        Assert.Contains(track, first.CachedTracks);

        var second = await swarm.ClientAsync("second");
        using var log = second.Events.Subscribe(e => output.WriteLine($"{e.At:HH:mm:ss.fff} {e.Kind}: {e.Detail}"));
        var secondCached = Swarm.Next(second, "cache", track);
        await second.PlayAsync([new PlayItem(track, TimeSpan.Zero)]).WaitAsync(Bound);
        await secondCached;
        var third = await swarm.ClientAsync("third");
        await third.PlayAsync([new PlayItem(track, TimeSpan.Zero)]).WaitAsync(Bound);

        foreach (var play in new[] { second.Reports.Single(), third.Reports.Single() })
        {
            var total = play.ServerBytes + play.PeerBytes;
            Assert.True(play.PeerBytes > total / 2, $"{play.PeerId}: {play.PeerBytes} of {total} bytes from peers");
            Assert.Equal(0, play.Stutters);
            Assert.Equal(0, play.Pauses);
        }
    }
}
