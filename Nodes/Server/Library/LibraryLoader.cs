using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Spotify.Rx.Server.Tracks;

namespace Spotify.Rx.Server.Library;

/// <summary>
/// Before Kestrel opens its port: makes sure the library exists (generating the sample library on first start,
/// with progress in the log) and builds the catalogue from its manifests, reading no audio. Then keeps the
/// catalogue current: a rescan shortly after the folder reports a change (a watch), and one every
/// <c>Server:LibraryRescanInterval</c> whatever it reports, for changes a watch cannot see (another host
/// writing to shared storage, an overflowing event queue).
/// </summary>
public sealed class LibraryLoader(IOptions<ServerOptions> options, TrackStore store, ILogger<LibraryLoader> log) : IHostedService, IDisposable
{
    // Imports write a track as two renames; a short quiet time makes one rescan of a burst of them.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private FileSystemWatcher? _watcher;
    private Task? _loop;

    public async Task StartAsync(CancellationToken ct)
    {
        var o = options.Value;
        var folder = Path.GetFullPath(o.ResolvedLibraryFolder);
        if (o.UsesSampleLibrary) await SampleLibraryGenerator.EnsureAsync(folder, o.SampleLibrary, log, ct);

        var clock = Stopwatch.StartNew();
        var loaded = store.Load(folder);
        log.LogInformation("Library {Folder}: {Tracks} tracks, {Gigabytes:0.00} GB of audio, {LeftOut} left out, indexed in {Ms} ms",
            folder, loaded.Tracks, store.Tracks.Sum(t => (double)t.ByteLength) / 1e9, loaded.LeftOut, clock.ElapsedMilliseconds);
        // Indexing a large library parsed every manifest's head: hand that garbage's memory back before serving, once.
        if (loaded.Tracks >= 10_000) GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (loaded.Tracks == 0) log.LogWarning("Library {Folder} has no tracks: every track request will be 404", folder);

        if (o.LibraryWatch) _watcher = Watch(folder);
        _loop = Task.Run(() => RescanLoopAsync(o.LibraryRescanInterval, _stopping.Token), CancellationToken.None);
    }

    private FileSystemWatcher? Watch(string folder)
    {
        try
        {
            var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = false, InternalBufferSize = 64 * 1024 };
            FileSystemEventHandler changed = (_, _) => _changed.Writer.TryWrite(true);
            watcher.Created += changed;
            watcher.Deleted += changed;
            watcher.Changed += changed;
            watcher.Renamed += (_, _) => _changed.Writer.TryWrite(true);
            // Lost events are caught up by a rescan, which sees everything anyway.
            watcher.Error += (_, e) =>
            {
                log.LogWarning("Library watch of {Folder}: {Error}; rescanning", folder, e.GetException().Message);
                _changed.Writer.TryWrite(true);
            };
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            log.LogWarning("Library {Folder} cannot be watched ({Error}); changes show at the next periodic rescan", folder, e.Message);
            return null;
        }
    }

    private async Task RescanLoopAsync(TimeSpan interval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        var tick = timer.WaitForNextTickAsync(ct).AsTask();
        var change = _changed.Reader.WaitToReadAsync(ct).AsTask();
        bool failing = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var woke = await Task.WhenAny(tick, change);
                if (woke == change)
                {
                    await Task.Delay(Settle, ct);
                }
                else
                {
                    if (!await tick) return;
                    tick = timer.WaitForNextTickAsync(ct).AsTask();
                }
                // This rescan covers every change reported so far.
                _changed.Reader.TryRead(out _);
                if (change.IsCompleted) change = _changed.Reader.WaitToReadAsync(ct).AsTask();
                var result = store.Rescan();
                if (result.Added.Count > 0 || result.Removed.Count > 0)
                    log.LogInformation("Library rescan: {Tracks} tracks, {Added} added or changed, {Removed} removed, {LeftOut} left out, in {Ms} ms",
                        result.Tracks, result.Added.Count, result.Removed.Count, result.LeftOut, (long)result.Took.TotalMilliseconds);
                else
                    log.LogDebug("Library rescan: no change, in {Ms} ms", (long)result.Took.TotalMilliseconds);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The folder itself is unreachable (unmounted share): keep serving what is known, try again later.
                if (!failing) log.LogWarning("Library rescan failed: {Error}; the catalogue stays as it was until a rescan succeeds", e.Message);
                failing = true;
                continue;
            }
            if (failing) log.LogInformation("Library rescan succeeded again");
            failing = false;
        }
    }

    public async Task StopAsync(CancellationToken ct)
    {
        _stopping.Cancel();
        if (_watcher is not null) _watcher.EnableRaisingEvents = false;
        if (_loop is not null) await _loop.WaitAsync(ct).ConfigureAwait(false);
    }

    public void Dispose()
    {
        // A host disposed without being stopped (in-process hosts) ends the loop here.
        _stopping.Cancel();
        _watcher?.Dispose();
        _stopping.Dispose();
    }
}
