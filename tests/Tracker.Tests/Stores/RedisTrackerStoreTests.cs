using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Tracker.Store;
using Spotify.Rx.Tracker.Tests.Support;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Spotify.Rx.Tracker.Tests.Stores;

/// <summary>The same contract against a real redis-server (SPOTIFY_RX_REDIS).</summary>
public sealed class RedisTrackerStoreTests(ITestOutputHelper output) : TrackerStoreContract
{
    private readonly string _prefix = TestRedis.FreshPrefix();
    private ConnectionMultiplexer? _redis;

    protected override async Task<ITrackerStore?> CreateStoreAsync(TrackerLimits limits, TimeProvider time)
    {
        var address = TestRedis.AddressOrExplain(output);
        if (address is null) return null;
        // A second store of the same test (other limits) shares the connection.
        _redis ??= await ConnectionMultiplexer.ConnectAsync(address);
        return new RedisTrackerStore(_redis, _prefix, limits, time);
    }

    public override async Task DisposeAsync()
    {
        if (_redis is null) return;
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Redis_drops_a_track_key_by_itself_once_its_lifetime_has_passed()
    {
        if (Store is null) return;
        await Store.RegisterAsync("track-a", new PeerInfo("peer-1", "10.0.0.1:4000"));

        var ttl = await _redis!.GetDatabase().KeyTimeToLiveAsync(_prefix + "track-a");

        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), Limits.RegistrationLifetime);
    }

    [Fact]
    public async Task An_unreachable_redis_is_reported_as_unavailable_not_as_an_empty_track()
    {
        // Needs no Redis: it is about the one that is not there.
        var options = ConfigurationOptions.Parse($"127.0.0.1:{Spotify.Rx.Testing.FreePort.Get()}");
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 200;
        options.AsyncTimeout = 200;
        await using var nowhere = await ConnectionMultiplexer.ConnectAsync(options);
        var store = new RedisTrackerStore(nowhere, _prefix, Limits, Clock);

        Assert.False(store.IsAvailable);
        await Assert.ThrowsAsync<TrackerStoreUnavailableException>(async () => await store.RecentAsync("track-a"));
    }
}
