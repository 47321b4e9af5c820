using System.Collections.Concurrent;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Streams;
using Spotify.Rx.Streams.Decisions;
using Spotify.Rx.Streams.Observables;
using Spotify.Rx.Streams.Rules;

namespace Spotify.Rx.Client;

/// <summary>
/// Plays a playlist item after item. The prefetch rule (7) acts through its combinator over the
/// current track's remaining time and the next track: from peers at 30 s left, the first 15 s
/// from the server at 10 s left when less is prefetched. A track change cancels what is
/// outstanding for anything but the track now playing.
/// </summary>
internal sealed class PlaylistRun : IDisposable
{
    private readonly ClientServices _s;
    private readonly Action<TrackPlayback?> _current;
    private readonly Action<PlayReport> _report;
    private readonly Subject<TrackTimeLeft> _left = new();
    private readonly Subject<NextTrack> _next = new();
    private readonly ConcurrentDictionary<string, Prefetched> _prefetched = new(StringComparer.Ordinal);
    private readonly CompositeDisposable _subscriptions = new();
    private volatile string _currentTrackId = "";

    private sealed record Prefetched(Task<TrackDownload?> Download, CompositeDisposable Work);

    public PlaylistRun(ClientServices s, Action<TrackPlayback?> current, Action<PlayReport> report)
    {
        _s = s;
        _current = current;
        _report = report;
        _subscriptions.Add(Prefetch.Source(_left, _next, s.Scheduler).ObserveOn(s.Scheduler).Subscribe(OnPrefetch));
    }

    public async Task RunAsync(IReadOnlyList<PlayItem> playlist, CancellationToken ct)
    {
        await using var audio = _s.Audio.BeginRun(_s.Events, _s.Scheduler);
        for (var i = 0; i < playlist.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var item = playlist[i];
            var following = i + 1 < playlist.Count ? playlist[i + 1].TrackId : null;
            _currentTrackId = item.TrackId;
            var (download, work) = await DownloadForAsync(item.TrackId, ct);
            using var trackWork = work;
            using var playback = new TrackPlayback(item, download, _s);
            using var output = audio.Follow(playback, download);
            using var feed = new CompositeDisposable(
                RemainingTime.Source(playback.Positions, _ => download.Manifest.Duration).Subscribe(_left.OnNext));
            _current(playback);
            _next.OnNext(following is null ? NextTrack.None(item.TrackId) : new NextTrack(item.TrackId, following, PrefetchedOf(following)));
            try
            {
                var report = await playback.RunAsync(ct);
                _current(null);
                _report(report);
            }
            finally
            {
                _current(null);
                // Track change: what is outstanding for the old track is cancelled; a complete one is cached already.
                download.Dispose();
            }
        }
    }

    private async Task<(TrackDownload, IDisposable)> DownloadForAsync(string trackId, CancellationToken ct)
    {
        var prefetched = _prefetched.TryRemove(trackId, out var p) ? p : null;
        CancelPrefetches(keep: null);
        if (prefetched is not null && await prefetched.Download.WaitAsync(ct) is { } ready)
        {
            // The prefetch becomes the play: its discovery goes on, and the server may now be asked.
            _s.Events.Add("prefetch", $"{trackId} starts with {ready.PlayableUntil(TimeSpan.Zero).TotalSeconds:0.0}s prefetched");
            ready.AllowServer = true;
            return (ready, prefetched.Work);
        }
        prefetched?.Work.Dispose();
        // A cached track plays with the manifest it was cached with, even while the server is away.
        var manifest = (_s.Servable.Cache.Contains(trackId) ? _s.Servable.Manifest(trackId) : null)
            ?? await _s.Server.ManifestAsync(trackId, ct);
        return (Create(manifest, allowServer: true), Disposable.Empty);
    }

    /// <summary>A download that, once complete, puts the track in the cache (and so the overlay and the tracker).</summary>
    private TrackDownload Create(TrackManifest manifest, bool allowServer)
    {
        var download = new TrackDownload(manifest, _s, allowServer);
        if (_s.Servable.Cache.TryGet(manifest.Id, out var cached) && cached.LongLength == manifest.ByteLength)
        {
            download.FillFromCache(cached);
            _s.Servable.Add(manifest, cached);
        }
        else
        {
            _ = download.Complete.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) _s.Servable.Add(manifest, download.Bytes);
            }, TaskScheduler.Default);
        }
        return download;
    }

    private void OnPrefetch(PrefetchStep step)
    {
        switch (step)
        {
            case PrefetchFromPeers p:
                _s.Events.Add("prefetch", $"{p.TrackId} from peers (30 s left)", p);
                Ensure(p.TrackId);
                break;
            case PrefetchFromServer p:
                _s.Events.Add("prefetch", $"{p.TrackId}: first {p.Length.TotalSeconds:0}s from the server (10 s left)", p);
                var entry = Ensure(p.TrackId);
                _ = entry.Download.ContinueWith(t =>
                {
                    if (t.Result is { IsComplete: false } d) d.FetchFromServer(TimeSpan.Zero, p.Length);
                }, TaskScheduler.Default);
                break;
            case CancelPrefetch c:
                if (_prefetched.TryRemove(c.TrackId, out var gone))
                {
                    _s.Events.Add("prefetch", $"{c.TrackId} cancelled");
                    Drop(gone);
                }
                break;
        }
    }

    private Prefetched Ensure(string trackId) => _prefetched.GetOrAdd(trackId, id =>
    {
        // Dropping the prefetch cancels its manifest request too, not only the download after it.
        var asking = new CancellationDisposable();
        var work = new CompositeDisposable(asking);
        var download = Task.Run(async () =>
        {
            try
            {
                var manifest = await _s.Server.ManifestAsync(id, asking.Token);
                var d = Create(manifest, allowServer: false);
                work.Add(d);
                if (!d.IsComplete)
                {
                    work.Add(PeerDiscovery.Start(d, _s));
                    work.Add(d.Progress.Sample(TimeSpan.FromMilliseconds(100), _s.Scheduler)
                        .Subscribe(_ => _next.OnNext(new NextTrack(_currentTrackId, id, d.PlayableUntil(TimeSpan.Zero)))));
                }
                return d;
            }
            catch (OperationCanceledException) when (asking.IsDisposed)
            {
                return null;
            }
            catch (Exception e)
            {
                _s.Events.Add("prefetch", $"{id} failed: {e.Message}");
                return null;
            }
        });
        return new Prefetched(download, work);
    });

    private TimeSpan PrefetchedOf(string trackId) =>
        _prefetched.TryGetValue(trackId, out var p) && p.Download.IsCompletedSuccessfully && p.Download.Result is { } d
            ? d.PlayableUntil(TimeSpan.Zero)
            : TimeSpan.Zero;

    private void CancelPrefetches(string? keep)
    {
        foreach (var id in _prefetched.Keys.Where(k => k != keep).ToArray())
            if (_prefetched.TryRemove(id, out var gone)) Drop(gone);
    }

    private static void Drop(Prefetched p) => p.Work.Dispose();

    public void Dispose()
    {
        CancelPrefetches(keep: null);
        _subscriptions.Dispose();
    }
}
