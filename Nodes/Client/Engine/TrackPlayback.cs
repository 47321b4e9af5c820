using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Spotify.Rx.Streams;
using Spotify.Rx.Streams.Decisions;
using Spotify.Rx.Streams.Observables;
using Spotify.Rx.Streams.Rules;
using Spotify.Rx.Streams.Scheduling;

namespace Spotify.Rx.Client;

/// <summary>
/// One play of one track, on the client's loop: the player's clock and the download, joined by the
/// rules. Each rule decides in its combinator from Streams/Rules — random-access start (rule 1),
/// where the bytes come from (<see cref="FetchPlans"/>: rules 3, 4 and the server down), underrun
/// pause (5) — and this class only carries out what they emit. The rules' outputs that move the
/// clock are queued on the loop, so no decision is carried out inside the stream that made it.
/// </summary>
internal sealed class TrackPlayback : IDisposable
{
    private readonly ClientServices _s;
    private readonly TrackDownload _download;
    private readonly PlayItem _item;
    private readonly PlayheadClock _clock;
    private readonly BehaviorSubject<BufferLevel> _level;
    // The level as last measured and where the playhead was then, for other threads (Snapshot).
    private volatile Measured _measured;
    private sealed record Measured(TimeSpan Position, BufferLevel Level);
    private readonly BehaviorSubject<FetchPlan> _plan = new(FetchPlan.Start);
    private readonly CompositeDisposable _rules = new();
    private readonly TaskCompletionSource _ended = new();
    private readonly DateTimeOffset _asked;
    private readonly bool _fromCache;
    private readonly bool _peersSought;
    private TimeSpan? _firstAudio;
    private IDisposable? _uploadsStopped;
    private int _pauses, _stutters;
    private bool _stoodAtThreshold;
    private bool _disposed;

    /// <param name="peersSought">The track's prefetch is seeking its peers already, and goes on doing so for this play.</param>
    public TrackPlayback(PlayItem item, TrackDownload download, ClientServices s, bool peersSought)
    {
        _peersSought = peersSought;
        _s = s;
        _item = item;
        _download = download;
        _fromCache = download.CacheBytes > 0;
        _asked = s.Loop.Now;
        var duration = download.Manifest.Duration;
        var start = item.StartAt < TimeSpan.Zero ? TimeSpan.Zero : item.StartAt > duration ? duration : item.StartAt;
        Start = start;
        _clock = new PlayheadClock(item.TrackId, duration, start, s.Speed, s.Loop, download.PlayableUntil, NextMoment);
        // The level the track starts with (a prefetch or the cache may have brought some), never a made-up zero.
        _level = new BehaviorSubject<BufferLevel>(LevelAt(start));
        _measured = new Measured(start, _level.Value);
        download.Playhead = start;
    }

    public TimeSpan Start { get; }
    public string TrackId => _item.TrackId;
    /// <summary>The position now (any thread may ask).</summary>
    public PlaybackPosition Position => _clock.Current;
    /// <summary>
    /// The level now (any thread may ask): as last measured, less the audio played since. Every arrival
    /// and every report of the clock measures it again, so between two measurements it only falls.
    /// </summary>
    public BufferLevel Level
    {
        get
        {
            var measured = _measured;
            var played = _clock.Current.Position - measured.Position;
            var ahead = measured.Level.Ahead - played;
            return measured.Level with { Ahead = ahead > TimeSpan.Zero ? ahead : TimeSpan.Zero };
        }
    }

    public IObservable<PlaybackPosition> Positions => _clock.Positions;
    /// <summary>The positions, and between them one every <paramref name="period"/> while playing (for a sound device).</summary>
    public IObservable<PlaybackPosition> PositionsEvery(TimeSpan period) => _clock.Sampled(period);
    public TrackDownload Download => _download;
    public long ServerBytes => _download.ServerBytes;
    public long PeerBytes => _download.PeerBytes;
    public long CacheBytes => _download.CacheBytes;

    /// <summary>The plan of this play (rules 3 and 4): the playlist applies its prefetch part to the next track.</summary>
    public IObservable<FetchPlan> Plans => _plan.AsObservable();

    public DataSource Source => _fromCache ? DataSource.Cache
        : _plan.Value.Current != FetchMode.Peers || _download.KnownPeers == 0 ? DataSource.Server : DataSource.Peers;

    /// <summary>Completes on the loop when the track has played to its end.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Wires the rules (on the loop); the play then runs until its end or until disposed (a track change).</summary>
    public void Begin()
    {
        var positions = _clock.Positions;
        var level = _level.AsObservable();

        // Rule 5 hears each position before the level made from it (subscribed first): judged as
        // (old position, new level) it paused a tick before the data's end, found data there and
        // resumed, a pause and a stutter on every tick of a stall.
        _rules.Add(UnderrunPause.Source(positions, level, _s.Loop).Subscribe(c => _s.Loop.Schedule(() => OnCommand(c))));
        _rules.Add(positions.Subscribe(p =>
        {
            _download.PlayheadMoved(p.Position);
            Measure();
        }, () => _s.Loop.Schedule(() => _ended.TrySetResult())));
        _rules.Add(_download.Progress.Subscribe(_ => Measure()));
        var stutters = Stutters.Source(positions).Publish();

        // Rule 1: the three fetches at once, then playback from the first decodable packet.
        var requests = new BehaviorSubject<PlayRequest>(new PlayRequest(TrackId, Start, _peersSought));
        _rules.Add(RandomAccessStart.Source(requests, level, _s.Loop).Subscribe(step => _s.Loop.Schedule(() => OnStartStep(step))));

        // Rules 3 and 4 and the server's health: one plan, carried out as it changes.
        _rules.Add(FetchPlans.Source(level, stutters, _download.ServerReachable, _s.Loop).Subscribe(OnPlan));
        _rules.Add(level.Subscribe(OnLevel));
        _rules.Add(stutters.Subscribe(st =>
        {
            _stutters++;
            _s.Events.Add(new Stuttered(_s.Loop.Now, st));
        }));
        _rules.Add(stutters.Connect());
    }

    public void UserPause()
    {
        _clock.UserPause();
        _s.Events.Add(new UserPaused(_s.Loop.Now, TrackId, _clock.Current.Position, true));
    }

    public void UserResume()
    {
        _clock.UserResume();
        _s.Events.Add(new UserPaused(_s.Loop.Now, TrackId, _clock.Current.Position, false));
    }

    public PlayReport Report() =>
        new(_s.Overlay.PeerId, TrackId, Start, _firstAudio ?? _s.Loop.Now - _asked, _pauses, _stutters,
            _download.ServerBytes, _download.PeerBytes, _download.CacheBytes, Start > TimeSpan.Zero);

    private BufferLevel LevelAt(TimeSpan position)
    {
        var playable = _download.PlayableUntil(position);
        return new BufferLevel(playable - position, playable >= _download.Manifest.Duration);
    }

    /// <summary>
    /// Where the playhead must next be reported, were no data to arrive: a rule's threshold of level or
    /// time left, or the next chunk, which moves the download's windows.
    /// </summary>
    private TimeSpan NextMoment(TimeSpan position)
    {
        // Asked right after a report, whose level Measure has just taken: not measured twice.
        var measured = _measured;
        var level = measured.Position == position ? measured.Level : LevelAt(position);
        var rules = PlayheadMoments.Next(position, level, _download.Manifest.Duration);
        var chunk = _download.Manifest.NextChunkPosition(position);
        return rules < chunk ? rules : chunk;
    }

    private void Measure()
    {
        var position = _clock.Current.Position;
        var now = LevelAt(position);
        _measured = new Measured(position, now);
        if (now != _level.Value) _level.OnNext(now);
    }

    private void OnLevel(BufferLevel l)
    {
        // The moment rule 3 starts judging this play: its start has stood at 10 s.
        if (_stoodAtThreshold || ServerFallback.Decide(l) != DataSource.Peers) return;
        _stoodAtThreshold = true;
        if (!l.TrackComplete) _s.Events.Add(new PeersResumed(_s.Loop.Now, TrackId, l, AfterStart: true));
    }

    private void OnStartStep(StartStep step)
    {
        if (_disposed) return;
        switch (step)
        {
            // A play of a cached track starts from the cache: nothing to fetch, nobody to ask.
            case FetchFromServer f when !_download.IsComplete:
                _s.Events.Add(new StartRequested(_s.Loop.Now, TrackId, f.From, f.Length));
                _download.FetchFromServer(f.From, f.Length);
                break;
            case AskTracker when !_download.IsComplete:
                _rules.Add(PeerDiscovery.Start(_download, _s, askTracker: true, searchNeighbours: false));
                break;
            case SearchNeighbours when !_download.IsComplete:
                _rules.Add(PeerDiscovery.Start(_download, _s, askTracker: false, searchNeighbours: true));
                break;
            case StartPlayback p:
                _firstAudio = _s.Loop.Now - _asked;
                _s.Events.Add(new PlaybackStarted(_s.Loop.Now, TrackId, p.Position, _firstAudio.Value, _fromCache));
                _clock.Start(p.Position);
                break;
        }
    }

    private void OnPlan(FetchPlan plan)
    {
        var before = _plan.Value;
        if (plan.UploadsStopped && _uploadsStopped is null)
        {
            _uploadsStopped = _s.Servable.StopUploads();
            _s.Events.Add(new UploadsStopped(_s.Loop.Now, TrackId));
        }
        else if (!plan.UploadsStopped && _uploadsStopped is not null)
        {
            _uploadsStopped.Dispose();
            _uploadsStopped = null;
            _s.Events.Add(new UploadsResumed(_s.Loop.Now, TrackId));
        }
        if (!_download.IsComplete)
        {
            if (plan.Current == FetchMode.ServerFallback && before.Current != FetchMode.ServerFallback)
                _s.Events.Add(new FallbackStarted(_s.Loop.Now, TrackId, _level.Value));
            else if (plan.Current == FetchMode.Peers && before.Current == FetchMode.ServerFallback)
                _s.Events.Add(new PeersResumed(_s.Loop.Now, TrackId, _level.Value, AfterStart: false));
        }
        _download.Mode = plan.Current;
        _plan.OnNext(plan);
    }

    private void OnCommand(PlaybackCommand command)
    {
        if (_disposed) return;
        switch (command)
        {
            case Pause p:
                _pauses++;
                _s.Events.Add(new UnderrunPaused(_s.Loop.Now, p));
                _clock.Pause(p.At);
                break;
            case Resume r:
                _s.Events.Add(new UnderrunResumed(_s.Loop.Now, r));
                _clock.Resume(r.At);
                break;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _rules.Dispose();
        _uploadsStopped?.Dispose();
        _uploadsStopped = null;
        _clock.Dispose();
        _plan.OnCompleted();
        _ended.TrySetResult();
    }
}
