using System.Reactive.Linq;
using Spotify.Rx.Streams.Decisions;
using Spotify.Rx.Streams.Rules;

namespace Spotify.Rx.Client.Tests.Integration;

public sealed class PeerAssistedPlayTests(Swarm swarm, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<Swarm>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Second_and_third_clients_get_most_of_a_track_the_first_cached_from_peers_without_a_stutter()
    {
        var track = swarm.TrackId(0);
        var length = swarm.Library.Find(track)!.ByteLength;
        var first = await swarm.ClientAsync("first");
        var registered = Swarm.Next(first, "cache", track);
        await first.PlayAsync([new PlayItem(track, TimeSpan.Zero)]).WaitAsync(Bound);
        await registered;
        Assert.Single(first.Reports);
        Assert.Contains(track, first.CachedTracks);

        var second = await swarm.ClientAsync("second");
        using var log = Swarm.Log(second, output, "second");
        var secondCached = Swarm.Next(second, "cache", track);
        await second.PlayAsync([new PlayItem(track, TimeSpan.Zero)]).WaitAsync(Bound);
        await secondCached;
        var third = await swarm.ClientAsync("third");
        using var log3 = Swarm.Log(third, output, "third");
        await third.PlayAsync([new PlayItem(track, TimeSpan.Zero)]).WaitAsync(Bound);

        foreach (var play in new[] { second.Reports.Single(), third.Reports.Single() })
        {
            output.WriteLine($"{play.PeerId}: server {play.ServerBytes}, peers {play.PeerBytes} of {length} ({100.0 * play.PeerBytes / length:0.0} % from peers)");
            // Every chunk once: a duplicate from a late source is not counted twice.
            Assert.Equal(length, play.ServerBytes + play.PeerBytes);
            // Only rule 1's 15 s (and the Ogg headers) need the server; the rest is the peers'.
            Assert.True(play.PeerBytes > length / 2, $"{play.PeerId}: {play.PeerBytes} of {length} bytes from peers");
            Assert.Equal(0, play.Stutters);
            Assert.Equal(0, play.Pauses);
        }
    }

    [Fact]
    public async Task The_next_track_is_prefetched_from_peers_at_thirty_seconds_left_and_from_the_server_at_ten()
    {
        // The next track is cached by no client of this class, so nothing but the server can bring its first 15 s.
        var (current, next) = (swarm.TrackId(1), swarm.TrackId(3));
        var client = await swarm.ClientAsync("listener");
        using var log = Swarm.Log(client, output);
        var fromPeers = Swarm.Next(client, "prefetch", $"{next} from peers");
        var fromServer = Swarm.Next(client, "prefetch", $"{next}: first 15s from the server");
        var continued = Swarm.Next(client, "prefetch", $"{next} starts with");
        await client.PlayAsync([new PlayItem(current, TimeSpan.FromSeconds(20)), new PlayItem(next, TimeSpan.Zero)]).WaitAsync(Bound);

        // The rule's own decisions, with the time left it saw: not when the effect was noticed.
        var peers = Assert.IsType<PrefetchFromPeers>((await fromPeers).Data);
        var server = Assert.IsType<PrefetchFromServer>((await fromServer).Data);
        output.WriteLine($"peers at {peers.Left.TotalSeconds:0.000} s left, server at {server.Left.TotalSeconds:0.000} s left with {server.Prefetched.TotalSeconds:0.000} s prefetched");
        Assert.Equal(next, peers.TrackId);
        Assert.True(peers.Left <= Prefetch.PeerThreshold, $"peers asked at {peers.Left} left");
        Assert.True(peers.Left > server.Left, "the server step came before the peer step");
        Assert.Equal(next, server.TrackId);
        Assert.True(server.Left <= Prefetch.ServerThreshold, $"server asked at {server.Left} left");
        Assert.True(server.Prefetched < Prefetch.ServerWindow, $"server asked with {server.Prefetched} prefetched");
        Assert.Equal(Prefetch.ServerWindow, server.Length);

        // The next track's play is the prefetch carried on, not a fresh start.
        await continued;
        var second = client.Reports[1];
        Assert.Equal(next, second.TrackId);
        Assert.Equal(0, second.Stutters);
    }

    [Fact]
    public async Task With_the_tracker_down_a_track_comes_from_the_server_and_a_neighbour_found_by_search()
    {
        var track = swarm.TrackId(0);
        var holder = await swarm.ClientAsync("holder");
        await holder.PlayAsync([new PlayItem(track, TimeSpan.Zero)]).WaitAsync(Bound);
        Assert.Contains(track, holder.CachedTracks);

        var port = swarm.TrackerUrl.Port;
        await swarm.StopTrackerAsync();
        try
        {
            var listener = await swarm.ClientAsync("neighbour");
            await listener.ConnectNeighbourAsync(holder.Endpoint).WaitAsync(Bound);
            await listener.PlayAsync([new PlayItem(track, TimeSpan.FromSeconds(5))]).WaitAsync(Bound);
            var play = listener.Reports.Single();
            Assert.True(play.PeerBytes > 0, "nothing came from the neighbour");
            Assert.True(play.ServerBytes > 0, "the random-access start asks the server");
            Assert.Equal(0, play.Stutters);
        }
        finally
        {
            await swarm.StartTrackerAsync(port);
        }
    }

    [Fact]
    public async Task A_cached_track_leaves_the_cache_after_its_lifetime_and_is_unregistered()
    {
        var track = swarm.TrackId(2);
        var client = await swarm.ClientAsync("short-memory", Spotify.Rx.Client.Cache.CachePolicy.Expire30s, cacheLifetime: TimeSpan.FromSeconds(1));
        var entered = Swarm.Next(client, "cache", $"{track} cached, registered");
        var left = Swarm.Next(client, "cache", $"{track} left the cache, unregistered");
        await client.PlayAsync([new PlayItem(track, TimeSpan.Zero)]).WaitAsync(Bound);
        await entered;
        await left;
        Assert.DoesNotContain(track, client.CachedTracks);
    }

    [Fact]
    public async Task A_play_cancelled_in_the_middle_of_a_track_returns_promptly()
    {
        var track = swarm.TrackId(1);
        // At real speed the track is still playing (and downloading) when it is cancelled.
        var client = await swarm.ClientAsync("impatient", speed: 1);
        var playing = Swarm.Next(client, "play", track);
        using var skip = new CancellationTokenSource();
        var play = client.PlayAsync([new PlayItem(track, TimeSpan.FromSeconds(10))], skip.Token);
        await playing;
        Assert.False(play.IsCompleted);

        skip.Cancel();
        // A cancelled play may end as a track change to nothing or as a cancellation; it may not hang.
        var stopped = await Record.ExceptionAsync(() => play.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(stopped is null or OperationCanceledException, $"PlayAsync after cancel: {stopped}");
        Assert.Equal(track, client.Reports.Single().TrackId);
        Assert.True(client.Snapshot().TrackId is null, "the cancelled track is still current");
    }
}
