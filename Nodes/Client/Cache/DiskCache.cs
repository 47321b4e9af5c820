using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Client.Cache;

/// <summary>
/// Keeps an LRU <see cref="TrackCache"/> in a folder across restarts: every track entering the cache
/// is written there (<c>{id}.opus</c>, atomically), every one leaving is deleted. At start the files
/// are read back, oldest first so the LRU order survives, and each is checked against the manifest
/// the main server gives for it: a truncated or corrupt file is deleted and never served.
/// </summary>
public sealed class DiskCache : IAsyncDisposable
{
    private const string Extension = ".opus";

    private readonly TrackCache _cache;
    private readonly ILogger _log;
    private readonly Task _written;
    // Tracks being loaded from their files: their entry into the cache needs no write.
    private readonly ConcurrentDictionary<string, byte> _loading = new(StringComparer.Ordinal);

    private DiskCache(string directory, TrackCache cache, ILogger log)
    {
        Directory = directory;
        _cache = cache;
        _log = log;
        // One file operation at a time, in the cache's order: a delete never overtakes the write it undoes.
        // They run until the cache closes, so a track cached just before the end still reaches the disk.
        _written = cache.Changes
            // The bytes are taken (held) as the change is published: by the time the write runs, the track may have left.
            .Select(change => (change, bytes: change.Kind == CacheChangeKind.Added && cache.TryTake(change.TrackId, out var b) ? b : null))
            .Select(c => Observable.FromAsync(() => ApplyAsync(c.change, c.bytes)))
            .Concat()
            .DefaultIfEmpty()
            .LastAsync()
            .ToTask();
    }

    public string Directory { get; }

    /// <summary>Where a cached track's bytes are kept.</summary>
    public string PathOf(string trackId) => Path.Combine(Directory, trackId + Extension);

    /// <summary>
    /// Opens <paramref name="directory"/> (made if missing) for <paramref name="cache"/>, and loads what it
    /// holds through <paramref name="add"/> (which puts a verified track in the cache and so in the overlay
    /// and at the tracker). <paramref name="manifest"/> gives the main server's manifest of a track, or
    /// null when the server no longer has it.
    /// </summary>
    public static async Task<DiskCache> OpenAsync(string directory, TrackCache cache,
        Func<string, CancellationToken, Task<TrackManifest?>> manifest, Func<TrackManifest, byte[], bool> add,
        ILogger log, CancellationToken ct = default)
    {
        if (cache.Policy != CachePolicy.Lru)
            throw new ArgumentException("only the LRU cache is kept on disk; the seed's 30 s cache stays in memory", nameof(cache));
        System.IO.Directory.CreateDirectory(directory);
        var disk = new DiskCache(Path.GetFullPath(directory), cache, log);
        try
        {
            await disk.LoadAsync(manifest, add, ct);
        }
        catch
        {
            await disk.DisposeAsync();
            throw;
        }
        return disk;
    }

    /// <summary>Why <paramref name="bytes"/> are not the track <paramref name="manifest"/> describes, or null.</summary>
    public static string? Problem(TrackManifest manifest, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != manifest.ByteLength)
            return $"{bytes.Length} bytes where the track has {manifest.ByteLength}";
        for (var i = 0; i < manifest.ChunkCount; i++)
        {
            var (start, end) = manifest.ChunkRange(i);
            if (Convert.ToHexStringLower(SHA256.HashData(bytes[(int)start..(int)end])) != manifest.ChunkHashes[i])
                return $"chunk {i} does not match its hash";
        }
        return null;
    }

    private async Task LoadAsync(Func<string, CancellationToken, Task<TrackManifest?>> manifestOf, Func<TrackManifest, byte[], bool> add, CancellationToken ct)
    {
        foreach (var stale in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension + ".tmp")) TryDelete(stale);
        var files = new DirectoryInfo(Directory).EnumerateFiles("*" + Extension).OrderBy(f => f.LastWriteTimeUtc).ToList();
        foreach (var file in files)
        {
            var trackId = Path.GetFileNameWithoutExtension(file.Name);
            TrackManifest? manifest;
            try
            {
                manifest = await manifestOf(trackId, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Kept for a later start, but not served: nothing vouches for it now.
                _log.LogWarning("cached {Track} not loaded: its manifest could not be fetched ({Error})", trackId, e.Message);
                continue;
            }
            if (manifest is null)
            {
                _log.LogWarning("cached {Track} dropped: the main server no longer has it", trackId);
                TryDelete(file.FullName);
                continue;
            }
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(file.FullName, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.LogWarning("cached {Track} not loaded: {File} could not be read ({Error})", trackId, file.FullName, e.Message);
                continue;
            }
            if (Problem(manifest, bytes) is { } why)
            {
                _log.LogWarning("cached {Track} dropped: {Why}", trackId, why);
                TryDelete(file.FullName);
                continue;
            }
            _loading[trackId] = 0;
            if (!add(manifest, bytes))
            {
                _loading.TryRemove(trackId, out _);
                _log.LogWarning("cached {Track} dropped: {Bytes} bytes do not fit the cache", trackId, bytes.Length);
                TryDelete(file.FullName);
                continue;
            }
            _log.LogInformation("cached {Track} loaded from {File}", trackId, file.FullName);
        }
    }

    private async Task ApplyAsync(CacheChange change, byte[]? bytes)
    {
        var path = PathOf(change.TrackId);
        try
        {
            if (change.Kind == CacheChangeKind.Removed)
            {
                TryDelete(path);
                return;
            }
            if (_loading.TryRemove(change.TrackId, out _)) return;
            if (bytes is null) return;
            var temporary = path + ".tmp";
            await File.WriteAllBytesAsync(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The memory cache still serves it; only the next start will not have it.
            _log.LogWarning("disk cache: {Kind} of {Track} in {Folder} failed: {Error}", change.Kind, change.TrackId, Directory, e.Message);
        }
        finally
        {
            if (bytes is not null) _cache.Release(bytes);
        }
    }

    private void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _log.LogWarning("disk cache: could not delete {File}: {Error}", path, e.Message); }
    }

    /// <summary>
    /// Closes the memory cache, waits (10 s at most) for the files still being written, and stamps the
    /// files in the LRU order (peers' reads included), so the next start evicts the least recently used first.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var order = _cache.TrackIdsByRecency;
        _cache.Dispose();
        try
        {
            await _written.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e)
        {
            _log.LogWarning("disk cache in {Folder}: not every file was written before the end: {Error}", Directory, e.Message);
        }
        var now = DateTime.UtcNow;
        for (var i = 0; i < order.Count; i++)
        {
            try
            {
                var path = PathOf(order[i]);
                if (File.Exists(path)) File.SetLastWriteTimeUtc(path, now.AddSeconds(i - order.Count));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Only the order of the next start suffers.
            }
        }
    }
}
