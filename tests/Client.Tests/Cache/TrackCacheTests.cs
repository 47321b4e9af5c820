using Microsoft.Reactive.Testing;
using Spotify.Rx.Client.Cache;

namespace Spotify.Rx.Client.Tests.Cache;

public class TrackCacheTests
{
    private readonly TestScheduler _time = new();

    private List<CacheChange> Watch(TrackCache cache)
    {
        var seen = new List<CacheChange>();
        cache.Changes.Subscribe(seen.Add);
        return seen;
    }

    private void Advance(double seconds) => _time.AdvanceBy(TimeSpan.FromSeconds(seconds).Ticks);

    [Fact]
    public void An_entry_lasts_thirty_seconds_by_default_then_leaves_with_a_removal()
    {
        using var cache = new TrackCache(_time);
        var seen = Watch(cache);
        cache.TryAdd("t1", new byte[1000]);
        Advance(29.9);
        Assert.True(cache.Contains("t1"));
        Advance(0.1);
        Assert.False(cache.Contains("t1"));
        Assert.Equal([new CacheChange(CacheChangeKind.Added, "t1", 1000), new CacheChange(CacheChangeKind.Removed, "t1", 1000)], seen);
        Assert.Equal(0, cache.UsedBytes);
    }

    [Fact]
    public void Adding_a_cached_track_again_renews_its_thirty_seconds_without_a_change()
    {
        using var cache = new TrackCache(_time);
        var seen = Watch(cache);
        cache.TryAdd("t1", new byte[10]);
        Advance(20);
        cache.TryAdd("t1", new byte[10]);
        Advance(20);
        Assert.True(cache.Contains("t1"));
        Assert.Single(seen);
        Advance(10);
        Assert.False(cache.Contains("t1"));
    }

    [Fact]
    public void Under_lru_an_entry_stays_until_space_is_needed()
    {
        using var cache = new TrackCache(_time, CachePolicy.Lru, capacity: 300);
        cache.TryAdd("t1", new byte[100]);
        Advance(3600);
        Assert.True(cache.Contains("t1"));
    }

    [Fact]
    public void Under_lru_the_least_recently_used_track_leaves_first()
    {
        using var cache = new TrackCache(_time, CachePolicy.Lru, capacity: 300);
        var seen = Watch(cache);
        cache.TryAdd("t1", new byte[100]);
        cache.TryAdd("t2", new byte[100]);
        cache.TryAdd("t3", new byte[100]);
        Assert.True(cache.TryUse("t1", out _));
        cache.TryAdd("t4", new byte[100]);
        Assert.Equal(["t1", "t3", "t4"], cache.TrackIds.Order());
        Assert.Contains(new CacheChange(CacheChangeKind.Removed, "t2", 100), seen);
    }

    [Fact]
    public void The_cache_never_holds_more_than_its_capacity()
    {
        using var cache = new TrackCache(_time, CachePolicy.Expire30s, capacity: 1000);
        for (var i = 0; i < 20; i++)
        {
            cache.TryAdd($"t{i}", new byte[150 + i * 10]);
            Assert.True(cache.UsedBytes <= 1000, $"{cache.UsedBytes} bytes after t{i}");
        }
        // Under the expiry policy the oldest entry, the first to expire, made room.
        Assert.Contains("t19", cache.TrackIds);
        Assert.DoesNotContain("t0", cache.TrackIds);
    }

    [Fact]
    public void A_track_larger_than_the_whole_cache_is_refused()
    {
        using var cache = new TrackCache(_time, capacity: 100);
        var seen = Watch(cache);
        Assert.False(cache.TryAdd("big", new byte[101]));
        Assert.Empty(seen);
    }

    [Fact]
    public void A_peer_can_read_each_chunk_of_a_cached_track_and_the_last_is_short()
    {
        using var cache = new TrackCache(_time);
        var bytes = Enumerable.Range(0, 2500).Select(i => (byte)i).ToArray();
        cache.TryAdd("t1", bytes);
        Assert.Equal(bytes[1000..2000], cache.ReadChunk("t1", 1, 1000)!.Value.ToArray());
        Assert.Equal(500, cache.ReadChunk("t1", 2, 1000)!.Value.Length);
        Assert.Null(cache.ReadChunk("t1", 3, 1000));
        Assert.Null(cache.ReadChunk("other", 0, 1000));
    }

    [Fact]
    public void Under_LRU_a_peers_read_of_a_chunk_counts_as_a_use()
    {
        using var cache = new TrackCache(_time, CachePolicy.Lru, capacity: 3000);
        cache.TryAdd("t1", new byte[1000]);
        cache.TryAdd("t2", new byte[1000]);
        cache.TryAdd("t3", new byte[1000]);

        Assert.NotNull(cache.ReadChunk("t1", 0, 500));
        cache.TryAdd("t4", new byte[1000]);

        Assert.Equal(["t3", "t1", "t4"], cache.TrackIdsByRecency);
    }
}
