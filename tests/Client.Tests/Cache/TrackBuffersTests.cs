using Microsoft.Reactive.Testing;
using Spotify.Rx.Client.Cache;

namespace Spotify.Rx.Client.Tests.Cache;

public class TrackBuffersTests
{
    private readonly TestScheduler _time = new();

    [Fact]
    public void A_buffer_its_last_holder_gives_back_is_the_next_one_rented_for_that_length_as_it_was()
    {
        var pool = new TrackBuffers(capacity: 1 << 20);
        var first = pool.Rent(1000);
        first[7] = 42;
        Assert.True(pool.TryHold(first));
        pool.Release(first);
        Assert.NotSame(first, pool.Rent(1000)); // still held once: a new one
        pool.Release(first);
        Assert.Equal(1000, pool.FreeBytes);

        Assert.NotSame(first, pool.Rent(999)); // another length never gets it
        var again = pool.Rent(1000);
        Assert.Same(first, again);
        Assert.Equal(42, again[7]); // not cleared: only verified chunks are ever read
        Assert.Equal(0, pool.FreeBytes);
    }

    [Fact]
    public void A_holder_that_comes_after_the_buffer_went_back_is_refused_and_a_foreign_array_needs_no_hold()
    {
        var pool = new TrackBuffers(capacity: 1 << 20);
        var rented = pool.Rent(1000);
        pool.Release(rented);
        Assert.False(pool.TryHold(rented));
        pool.Release(rented); // a second release of a free buffer changes nothing
        Assert.Equal(1000, pool.FreeBytes);

        var foreign = new byte[1000];
        Assert.True(pool.TryHold(foreign));
        pool.Release(foreign);
        Assert.Equal(1000, pool.FreeBytes);
    }

    [Fact]
    public void Buffers_beyond_the_capacity_are_left_to_the_garbage_collector()
    {
        var pool = new TrackBuffers(capacity: 1500);
        var a = pool.Rent(1000);
        var b = pool.Rent(1000);
        pool.Release(a);
        pool.Release(b);
        Assert.Equal(1000, pool.FreeBytes);
        Assert.True(pool.TryHold(b)); // not the pool's any more: an ordinary array
    }

    [Fact]
    public void A_cached_buffer_goes_back_when_the_entry_leaves_and_the_download_has_let_go_and_a_chunk_read_before_stays_as_it_was()
    {
        var pool = new TrackBuffers(capacity: 1 << 20);
        using var cache = new TrackCache(_time, buffers: pool);
        var bytes = pool.Rent(32);
        bytes.AsSpan().Fill(1);
        Assert.True(cache.TryAdd("t1", bytes));
        pool.Release(bytes); // the download is done with it: the entry holds it now
        var chunk = cache.ReadChunk("t1", 0, 16)!.Value;
        Assert.Equal(0, pool.FreeBytes);

        _time.AdvanceBy(TrackCache.DefaultLifetime.Ticks);
        Assert.False(cache.Contains("t1"));
        Assert.Equal(32, pool.FreeBytes);
        pool.Rent(32).AsSpan().Fill(2); // another play of a track of that length writes into it
        Assert.All(chunk.ToArray(), b => Assert.Equal(1, b));
    }

    [Fact]
    public void Bytes_taken_from_the_cache_stay_the_tracks_until_given_back_whatever_the_cache_does()
    {
        var pool = new TrackBuffers(capacity: 1 << 20);
        using var cache = new TrackCache(_time, buffers: pool);
        var bytes = pool.Rent(32);
        cache.TryAdd("t1", bytes);
        pool.Release(bytes);
        Assert.True(cache.TryTake("t1", out var taken));

        _time.AdvanceBy(TrackCache.DefaultLifetime.Ticks);
        Assert.Equal(0, pool.FreeBytes);
        cache.Release(taken);
        Assert.Equal(32, pool.FreeBytes);
        Assert.False(cache.TryTake("t1", out _));
    }
}
