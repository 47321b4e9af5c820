using System.Reactive;
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
/// One play of one track: the player's clock and the download, joined by the rules. Each rule
/// acts through its combinator from Streams/Rules — random-access start (rule 1), server fallback
/// (3), stutter stop (4), underrun pause (5) — and this class only carries out what they decide.
/// </summary>
internal sealed class TrackPlayback : IDisposable
{
    private readonly ClientServices _s;
    private readonly TrackDownload _download;
    private readonly PlayItem _item;
    private readonly PlayheadClock _clock;
    private readonly BehaviorSubject<BufferLevel> _level;
    private readonly CompositeDisposable _rules = new();
    private readonly EventLoopScheduler _loop = new(start => new Thread(start) { IsBackground = true, Name = "playback" });
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DateTimeOffset _asked;
    private readonly bool _fromCache;
    private TimeSpan? _firstAudio;
    private IDisposable? _uploadsStopped;
    private int _pauses, _stutters;
    private FetchMode _mode = FetchMode.Peers;

    public TrackPlayback(PlayItem item, TrackDownload download, ClientServices s)
    {
        _s = s;
        _item = item;
        _download = download;
        _fromCache = download.CacheBytes > 0;
        _asked = s.Scheduler.Now;
        var duration = download.Manifest.Duration;
        var start = item.StartAt < TimeSpan.Zero ? TimeSpan.Zero : item.StartAt > duration ? duration : item.StartAt;
        Start = start;
        _clock = new PlayheadClock(item.TrackId, duration, start, s.Speed, s.Scheduler, download.PlayableUntil);
        // The level the track starts with (a prefetch or the cache may have brought some), never a made-up zero.
        var playable = download.PlayableUntil(start);
        _level = new BehaviorSubject<BufferLevel>(new BufferLevel(playable - start, playable >= duration));
        download.Playhead = start;
    }

    public TimeSpan Start { get; }
    public string TrackId => _item.TrackId;
    public PlaybackPosition Position => _clock.Current;
    public BufferLevel Level => _level.Value;
    public IObservable<PlaybackPosition> Positions => _clock.Positions;
    public long ServerBytes => _download.ServerBytes;
    public long PeerBytes => _download.PeerBytes;
    public long CacheBytes => _download.CacheBytes;

    public DataSource Source => _fromCache ? DataSource.Cache
        : _mode != FetchMode.Peers || _download.KnownPeers == 0 ? DataSource.Server : DataSource.Peers;

    /// <summary>Wires the rules and plays until the track ends or <paramref name="ct"/> (a track change) stops it.</summary>
    public async Task<PlayReport> RunAsync(CancellationToken ct)
    {
        // Every input of the rules (the clock's positions, the download's arrivals) is moved onto this
        // play's one event loop before it meets another: the pipeline then runs on one thread and takes
        // no lock of its own while calling out. Two Synchronize gates around a Merge (the earlier design)
        // took the gate and Merge's lock in opposite orders on the two inputs and deadlocked (docs/CLIENT.md).
        var positions = _clock.Positions.ObserveOn(_loop).Publish();
        var level = _level.AsObservable();

        // Rule 5: pause exactly where the data ran out, resume there. Subscribed before the level is
        // derived from the same positions, so each position reaches the rule before the level computed
        // from it: the other order paired a level of 0 (at the end of the data) with the position before
        // it, paused there, found data there, resumed at once and ran into the end again, a pause and a
        // stutter on every clock tick of a stall.
        _rules.Add(UnderrunPause.Source(positions, level, _s.Scheduler).ObserveOn(_s.Scheduler).Subscribe(OnCommand));

        var contiguousEnd = positions.Select(_ => Unit.Default).Merge(_download.Progress.ObserveOn(_loop))
            .Select(_ => _download.PlayableUntil(_clock.Current.Position));
        _rules.Add(BufferLevels.Source(positions.Select(p => p.Position), contiguousEnd, _download.Manifest.Duration)
            .Subscribe(_level.OnNext));
        var stutters = Stutters.Source(positions).Publish();

        // Rule 1: the three fetches at once, then playback from the first decodable packet.
        var requests = new BehaviorSubject<PlayRequest>(new PlayRequest(TrackId, Start));
        _rules.Add(RandomAccessStart.Source(requests, level, _s.Scheduler).ObserveOn(_s.Scheduler).Subscribe(OnStartStep));

        // Rules 3 and 4 decide where the current track comes from. Rule 3 is about a level that *falls*
        // below 10 s: judged from a start's 0 the fallback fired at once, asked the server again when
        // rule 1's 15 s landed and kept the peers off the chunks after them (docs/CLIENT.md, "Peer
        // share"); ServerFallback.ForPlay judges the level from the moment it first stands at 10 s.
        _rules.Add(level.FirstAsync(l => ServerFallback.Decide(l) == DataSource.Peers).Where(l => !l.TrackComplete)
            .ObserveOn(_s.Scheduler)
            .Subscribe(l => _s.Events.Add("peers", $"{TrackId} start buffered to {l.Ahead.TotalSeconds:0.0}s: peers resume for the rest", l), _ => { }));
        _rules.Add(ServerFallback.ForPlay(level, _s.Scheduler)
            .CombineLatest(StutterStop.Source(stutters, level, _s.Scheduler), (source, stutter) => (source, stutter))
            .ObserveOn(_s.Scheduler)
            .Subscribe(d => OnSourceDecision(d.source, d.stutter)));

        _rules.Add(stutters.ObserveOn(_s.Scheduler).Subscribe(st =>
        {
            Interlocked.Increment(ref _stutters);
            _s.Events.Add("stutter", $"{TrackId} at {st.Position.TotalSeconds:0.0}s: uploads stopped, server only", st);
        }));
        _rules.Add(positions.Subscribe(p => _download.Playhead = p.Position, () => _ended.TrySetResult()));
        _rules.Add(stutters.Connect());
        _rules.Add(positions.Connect());

        using (ct.Register(() => _ended.TrySetResult()))
            await _ended.Task;

        var audioFirst = _firstAudio ?? _s.Scheduler.Now - _asked;
        return new PlayReport(_s.Overlay.PeerId, TrackId, Start, audioFirst, _pauses, _stutters,
            _download.ServerBytes, _download.PeerBytes, _download.CacheBytes, Start > TimeSpan.Zero);
    }

    private void OnStartStep(StartStep step)
    {
        switch (step)
        {
            // A play of a cached track starts from the cache: nothing to fetch, nobody to ask.
            case FetchFromServer f when !_download.IsComplete:
                _s.Events.Add("start", $"{TrackId} at {f.From.TotalSeconds:0.0}s: server asked for {f.Length.TotalSeconds:0}s");
                _download.FetchFromServer(f.From, f.Length);
                break;
            case AskTracker when !_download.IsComplete:
                _rules.Add(PeerDiscovery.Start(_download, _s, askTracker: true, searchNeighbours: false));
                break;
            case SearchNeighbours when !_download.IsComplete:
                _rules.Add(PeerDiscovery.Start(_download, _s, askTracker: false, searchNeighbours: true));
                break;
            case StartPlayback p:
                _firstAudio = _s.Scheduler.Now - _asked;
                _s.Events.Add("play", $"{TrackId} from {p.Position.TotalSeconds:0.0}s after {_firstAudio.Value.TotalMilliseconds:0} ms{(_fromCache ? " (cache)" : "")}");
                _clock.Start(p.Position);
                break;
        }
    }

    private void OnSourceDecision(DataSource fallback, StutterMode stutter)
    {
        var mode = stutter == StutterMode.Recovering ? FetchMode.ServerOnly
            : fallback == DataSource.Server ? FetchMode.ServerFallback
            : FetchMode.Peers;
        if (stutter == StutterMode.Recovering)
        {
            if (_uploadsStopped is null)
            {
                _uploadsStopped = _s.Servable.StopUploads();
                _s.Events.Add("uploads", $"{TrackId} stuttered: all uploads stopped until it is fully buffered");
            }
        }
        else if (_uploadsStopped is not null)
        {
            _uploadsStopped.Dispose();
            _uploadsStopped = null;
            _s.Events.Add("uploads", $"{TrackId} fully buffered: uploads resume");
        }
        if (mode == _mode) return;
        var before = _mode;
        _mode = mode;
        if (!_download.IsComplete)
        {
            if (mode == FetchMode.ServerFallback) _s.Events.Add("fallback", $"{TrackId} below 10 s of buffer: next 15 s from the server");
            else if (mode == FetchMode.Peers && before == FetchMode.ServerFallback) _s.Events.Add("peers", $"{TrackId} back at 10 s: peers resume");
        }
        _download.Mode = mode;
    }

    private void OnCommand(PlaybackCommand command)
    {
        switch (command)
        {
            case Pause p:
                Interlocked.Increment(ref _pauses);
                _s.Events.Add("pause", $"{TrackId} underrun at {p.At.TotalSeconds:0.00}s (pause {p.Number})", p);
                _clock.Pause(p.At);
                break;
            case Resume r:
                _s.Events.Add("resume", $"{TrackId} from {r.At.TotalSeconds:0.00}s after {r.Stalled.TotalMilliseconds:0} ms", r);
                _clock.Resume(r.At);
                break;
        }
    }

    /// <summary>A user pause of this play (<see cref="ClientNode.Pause"/>): the clock holds, the download goes on.</summary>
    public void Hold() => _clock.Hold();

    public void Release() => _clock.Release();

    public void Dispose()
    {
        _rules.Dispose();
        _uploadsStopped?.Dispose();
        _clock.Dispose();
        _loop.Dispose();
        _ended.TrySetResult();
    }
}
