using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Streams;
using Spotify.Rx.Streams.Decisions;
using Spotify.Rx.Streams.Observables;
using Spotify.Rx.Streams.Rules;
using Spotify.Rx.Streams.Scheduling;

namespace Spotify.Rx.Client;

/// <summary>
/// Plays a playlist item after item, on the client's loop. The prefetch rule (7) acts through its
/// combinator over the current track's remaining time and the next track; the current play's
/// <see cref="FetchPlan"/> says whether the next track may be fetched at all (rule 4 pauses it). A
/// track change cancels what is outstanding for anything but the track now playing; a play that
/// ends with its track incomplete (a random-access start) goes on fetching it until it is whole,
/// so every play leaves a servable track in the cache.
/// </summary>
internal sealed class PlaylistRun : IDisposable
{
    private readonly ClientServices _s;
    private readonly Action<TrackPlayback?> _current;
    private readonly Action<PlayReport> _report;
    private readonly Subject<TrackTimeLeft> _left = new();
    private readonly Subject<NextTrack> _next = new();
    private readonly Dictionary<string, Prefetched> _prefetched = new(StringComparer.Ordinal);
    private readonly List<PrefetchFromServer> _deferred = [];
    private readonly CompositeDisposable _subscriptions = new();
    private FetchPlan _plan = FetchPlan.Start;
    private TrackPlayback? _playing;
    private bool _userPaused;

    /// <summary>A prefetch for the track after <paramref name="AfterTrackId"/>; <see cref="Download"/> is null until its manifest is in.</summary>
    private sealed class Prefetched(string afterTrackId)
    {
        public string AfterTrackId { get; } = afterTrackId;
        public CompositeDisposable Work { get; } = new();
        public CancellationDisposable Asking { get; } = new();
        public SerialDisposable Feed { get; } = new();
        public TaskCompletionSource<TrackDownload?> Ready { get; } = new();
        /// <summary>The prefetch asks the tracker and has searched the neighbours (its track was incomplete).</summary>
        public bool SeeksPeers { get; set; }
        public TrackDownload? Download => Ready.Task.IsCompletedSuccessfully ? Ready.Task.Result : null;
    }

    public PlaylistRun(ClientServices s, Action<TrackPlayback?> current, Action<PlayReport> report)
    {
        _s = s;
        _current = current;
        _report = report;
        _subscriptions.Add(Prefetch.Source(_left, _next, s.Loop).Subscribe(OnPrefetch));
    }

    /// <summary>Plays the items; must be called on the loop, and continues there.</summary>
    public async Task RunAsync(IReadOnlyList<PlayItem> playlist, CancellationToken ct)
    {
        var audio = _s.Audio.BeginRun(_s.Events, _s.Loop);
        try
        {
            for (var i = 0; i < playlist.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var item = playlist[i];
                var following = i + 1 < playlist.Count ? playlist[i + 1].TrackId : null;
                await PlayOneAsync(item, following, audio, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException && ct.IsCancellationRequested)
        {
            // A request cancelled in flight may fail with its library's own error (Flurl wraps the
            // cancellation): the run was left, and that is what its caller must see.
            throw new OperationCanceledException("the playlist was left", e, ct);
        }
        finally
        {
            _current(null);
            Dispose();
            await audio.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task PlayOneAsync(PlayItem item, string? following, AudioOutputRun audio, CancellationToken ct)
    {
        var (download, work, peersSought) = await DownloadForAsync(item.TrackId, ct).ConfigureAwait(false);
        var playback = new TrackPlayback(item, download, _s, peersSought);
        var ended = false;
        using (work)
        using (playback)
        using (audio.Follow(playback, download))
        using (RemainingTime.Source(playback.Positions, _ => download.Manifest.Duration).Subscribe(_left.OnNext))
        using (playback.Plans.Subscribe(OnPlan))
        using (ct.Register(() => _s.Loop.Schedule(playback.Dispose)))
        {
            _playing = playback;
            _current(playback);
            _next.OnNext(following is null ? NextTrack.None(item.TrackId) : new NextTrack(item.TrackId, following, PrefetchedOf(following)));
            playback.Begin();
            if (_userPaused) playback.UserPause();
            await playback.Ended.ConfigureAwait(false);
            // Ended completes on the loop; a cancellation completes it through the loop too.
            ended = playback.Position.State == PlayerState.Ended;
            _playing = null;
            _current(null);
            _report(playback.Report());
        }
        if (ended && !download.IsComplete) Finish(download);
        else download.Dispose();
    }

    /// <summary>The user's pause and resume, for the play now and those after it until resumed.</summary>
    public void UserPause(bool paused)
    {
        if (_userPaused == paused) return;
        _userPaused = paused;
        if (paused) _playing?.UserPause();
        else _playing?.UserResume();
    }

    private void Finish(TrackDownload download)
    {
        // Nobody listens any more: the rest comes as the scheduler decides (peers, else the server), then the cache has it.
        _s.Finishing.Add(download);
        download.Mode = FetchMode.Peers;
        download.Complete.ContinueWith(_ => _s.Loop.Schedule(() => _s.Finishing.Remove(download)), TaskContinuationOptions.ExecuteSynchronously);
    }

    private async Task<(TrackDownload Download, IDisposable Work, bool PeersSought)> DownloadForAsync(string trackId, CancellationToken ct)
    {
        _prefetched.Remove(trackId, out var prefetched);
        CancelPrefetches();
        _deferred.Clear();
        if (prefetched is not null && await prefetched.Ready.Task.ConfigureAwait(false) is { } ready)
        {
            // The prefetch becomes the play: its discovery goes on, the server may now be asked.
            prefetched.Feed.Dispose();
            _s.Events.Add(new PrefetchUsed(_s.Loop.Now, trackId, ready.PlayableUntil(TimeSpan.Zero)));
            ready.Mode = FetchMode.Peers;
            return (ready, prefetched.Work, prefetched.SeeksPeers);
        }
        prefetched?.Work.Dispose();
        var manifest = await ManifestAsync(trackId, ct).ConfigureAwait(false);
        return (Create(manifest, FetchMode.Peers), Disposable.Empty, false);
    }

    // A cached track plays with the manifest it was cached with, even while the server is away.
    private Task<TrackManifest> ManifestAsync(string trackId, CancellationToken ct) =>
        (_s.Servable.Cache.Contains(trackId) ? _s.Servable.Manifest(trackId) : null) is { } cached
            ? Task.FromResult(cached)
            : _s.Server.ManifestAsync(trackId, ct).Back(_s.Loop);

    /// <summary>A download that, once complete, puts the track in the cache (and so the overlay and the tracker).</summary>
    private TrackDownload Create(TrackManifest manifest, FetchMode mode)
    {
        var download = new TrackDownload(manifest, _s, mode);
        if (_s.Servable.Cache.TryUse(manifest.Id, out var cached))
        {
            if (cached.LongLength == manifest.ByteLength)
            {
                // The download takes over the hold on the cache's buffer: no copy of the track.
                download.FillFromCache(cached);
                _s.Servable.Add(manifest, cached);
            }
            else _s.Servable.Cache.Release(cached);
        }
        else
        {
            download.Complete.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) _s.Servable.Add(manifest, download.Bytes);
            }, TaskContinuationOptions.ExecuteSynchronously);
        }
        return download;
    }

    private void OnPrefetch(PrefetchStep step)
    {
        switch (step)
        {
            case PrefetchFromPeers p:
                _s.Events.Add(new PrefetchStarted(_s.Loop.Now, p));
                Ensure(p.TrackId);
                break;
            case PrefetchFromServer p when _plan.PrefetchPaused:
                _deferred.Add(p);
                break;
            case PrefetchFromServer p:
                _s.Events.Add(new PrefetchStarted(_s.Loop.Now, p));
                Ensure(p.TrackId).Ready.Task.ContinueWith(t =>
                {
                    if (t.Result is { IsComplete: false } d && _prefetched.ContainsKey(p.TrackId)) d.FetchFromServer(TimeSpan.Zero, p.Length);
                }, TaskContinuationOptions.ExecuteSynchronously);
                break;
            case CancelPrefetch c:
                if (_prefetched.Remove(c.TrackId, out var gone))
                {
                    _s.Events.Add(new PrefetchCancelled(_s.Loop.Now, c.TrackId));
                    Drop(gone);
                }
                break;
        }
    }

    private void OnPlan(FetchPlan plan)
    {
        var paused = plan.PrefetchPaused != _plan.PrefetchPaused;
        _plan = plan;
        if (!paused) return;
        foreach (var (id, p) in _prefetched)
        {
            _s.Events.Add(new PrefetchPaused(_s.Loop.Now, id, plan.PrefetchPaused));
            if (p.Download is { } d) d.Mode = plan.Next;
        }
        if (plan.PrefetchPaused) return;
        var deferred = _deferred.ToArray();
        _deferred.Clear();
        foreach (var step in deferred) OnPrefetch(step);
    }

    private Prefetched Ensure(string trackId)
    {
        if (_prefetched.TryGetValue(trackId, out var known)) return known;
        var entry = new Prefetched(_playing?.TrackId ?? "");
        entry.Work.Add(entry.Asking);
        entry.Work.Add(entry.Feed);
        _prefetched[trackId] = entry;
        _ = StartPrefetchAsync(trackId, entry);
        return entry;
    }

    private async Task StartPrefetchAsync(string trackId, Prefetched entry)
    {
        try
        {
            var manifest = await ManifestAsync(trackId, entry.Asking.Token).ConfigureAwait(false);
            if (entry.Asking.IsDisposed)
            {
                entry.Ready.TrySetResult(null);
                return;
            }
            var d = Create(manifest, _plan.Next);
            entry.Work.Add(d);
            if (!d.IsComplete)
            {
                entry.Work.Add(PeerDiscovery.Start(d, _s));
                entry.SeeksPeers = true;
                // What is prefetched so far, said of the track it follows (never of the track itself: the
                // last track of a playlist once prefetched itself when this named the track playing).
                entry.Feed.Disposable = d.Progress.Subscribe(_ => _next.OnNext(new NextTrack(entry.AfterTrackId, trackId, d.PlayableUntil(TimeSpan.Zero))));
            }
            entry.Ready.TrySetResult(d);
        }
        catch (OperationCanceledException) when (entry.Asking.IsDisposed)
        {
            entry.Ready.TrySetResult(null);
        }
        catch (Exception e)
        {
            _s.Events.Add("prefetch", $"{trackId} failed: {e.Message}");
            entry.Ready.TrySetResult(null);
        }
    }

    private TimeSpan PrefetchedOf(string trackId) =>
        _prefetched.TryGetValue(trackId, out var p) && p.Download is { } d ? d.PlayableUntil(TimeSpan.Zero) : TimeSpan.Zero;

    private void CancelPrefetches()
    {
        foreach (var id in _prefetched.Keys.ToArray())
            if (_prefetched.Remove(id, out var gone)) Drop(gone);
    }

    // Dropping a prefetch cancels its manifest request too, not only the download after it.
    private static void Drop(Prefetched p) => p.Work.Dispose();

    public void Dispose()
    {
        CancelPrefetches();
        _subscriptions.Dispose();
    }
}
