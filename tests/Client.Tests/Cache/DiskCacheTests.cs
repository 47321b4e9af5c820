using System.Reactive.Concurrency;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Spotify.Rx.Client.Cache;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Client.Tests.Cache;

/// <summary>The LRU cache in a folder: written as tracks enter, read back and verified at the next start.</summary>
public class DiskCacheTests
{
    private readonly string _folder = TestLibrary.TempFolder("disk-cache");
    private readonly Dictionary<string, (TrackManifest Manifest, byte[] Bytes)> _server = new(StringComparer.Ordinal);

    private (TrackManifest Manifest, byte[] Bytes) Track(string id, int length = 50_000)
    {
        var bytes = new byte[length];
        new Random(id.GetHashCode(StringComparison.Ordinal)).NextBytes(bytes);
        var chunk = TrackManifest.DefaultChunkSize;
        var manifest = new TrackManifest
        {
            Id = id, Title = id, Artist = "test", Duration = TimeSpan.FromSeconds(3), ByteLength = length, PreSkip = 312, Pages = [],
            ChunkHashes = [.. Enumerable.Range(0, (length + chunk - 1) / chunk)
                .Select(i => Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(i * chunk, Math.Min(chunk, length - i * chunk)))))],
        };
        _server[id] = (manifest, bytes);
        return (manifest, bytes);
    }

    /// <summary>A client start: a fresh memory cache on the folder; returns it and what it loaded.</summary>
    private async Task<(TrackCache Cache, DiskCache Disk, List<string> Loaded)> Start(long capacity = 1_000_000)
    {
        var cache = new TrackCache(Scheduler.Default, CachePolicy.Lru, capacity);
        var loaded = new List<string>();
        var disk = await DiskCache.OpenAsync(_folder, cache,
            (id, _) => Task.FromResult(_server.TryGetValue(id, out var t) ? t.Manifest : null),
            (manifest, bytes) => { loaded.Add(manifest.Id); return cache.TryAdd(manifest.Id, bytes); },
            NullLogger.Instance);
        return (cache, disk, loaded);
    }

    [Fact]
    public async Task A_cached_track_survives_a_restart_byte_exact()
    {
        var (_, bytes) = Track("t1");
        var (cache, disk, _) = await Start();
        cache.TryAdd("t1", bytes);
        await disk.DisposeAsync();

        var (again, diskAgain, loaded) = await Start();

        Assert.Equal(["t1"], loaded);
        Assert.True(again.TryTake("t1", out var read));
        Assert.Equal(bytes, read);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(diskAgain.PathOf("t1")));
        await diskAgain.DisposeAsync();
    }

    [Fact]
    public async Task A_corrupt_a_truncated_and_an_unknown_file_are_dropped_and_never_served()
    {
        var (_, good) = Track("good");
        var (_, corrupt) = Track("corrupt");
        var (_, truncated) = Track("truncated");
        await File.WriteAllBytesAsync(Path.Combine(_folder, "good.opus"), good);
        var flipped = corrupt.ToArray();
        flipped[20_000] ^= 0x40;
        await File.WriteAllBytesAsync(Path.Combine(_folder, "corrupt.opus"), flipped);
        await File.WriteAllBytesAsync(Path.Combine(_folder, "truncated.opus"), truncated[..30_000]);
        await File.WriteAllBytesAsync(Path.Combine(_folder, "gone.opus"), new byte[1000]);

        var (cache, disk, loaded) = await Start();

        Assert.Equal(["good"], loaded);
        Assert.Equal(["good"], cache.TrackIds);
        Assert.Equal(["good.opus"], Directory.GetFiles(_folder).Select(Path.GetFileName));
        Assert.Equal("chunk 1 does not match its hash", DiskCache.Problem(_server["corrupt"].Manifest, flipped));
        await disk.DisposeAsync();
    }

    [Fact]
    public async Task A_track_leaving_the_cache_leaves_the_folder()
    {
        var (_, first) = Track("first", 60_000);
        var (_, second) = Track("second", 60_000);
        var (cache, disk, _) = await Start(capacity: 100_000);
        cache.TryAdd("first", first);
        cache.TryAdd("second", second);
        await disk.DisposeAsync();

        Assert.Equal(["second.opus"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_peers_read_keeps_a_track_in_the_LRU_order_across_a_restart()
    {
        var (manifest, older) = Track("older", 40_000);
        var (_, newer) = Track("newer", 40_000);
        var (_, third) = Track("third", 40_000);
        var (cache, disk, _) = await Start(capacity: 100_000);
        cache.TryAdd("older", older);
        cache.TryAdd("newer", newer);
        // A peer reads the older one: now "newer" is the least recently used.
        Assert.NotNull(cache.ReadChunk("older", 0, manifest.ChunkSize));
        await disk.DisposeAsync();

        var (again, diskAgain, loaded) = await Start(capacity: 100_000);
        again.TryAdd("third", third);
        await diskAgain.DisposeAsync();

        Assert.Equal(["newer", "older"], loaded);
        Assert.Equal(["older.opus", "third.opus"], Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task The_seeds_thirty_second_cache_is_not_kept_on_disk()
    {
        var cache = new TrackCache(Scheduler.Default);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => DiskCache.OpenAsync(_folder, cache,
            (_, _) => Task.FromResult<TrackManifest?>(null), (_, _) => true, NullLogger.Instance));

        Assert.Contains("only the LRU cache", e.Message);
    }
}
