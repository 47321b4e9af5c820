using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Spotify.Rx.Streams;

namespace Spotify.Rx.Client;

/// <summary>
/// The player's clock for one track, on the client's loop: audio time advancing at the speed
/// factor from the moment playback starts, never past the audio that is buffered (so an underrun
/// stops it exactly where the data ran out), paused and resumed by the underrun rule or the user.
/// It does not tick: it reports its position at every change of state and, while it plays, at the
/// next moment someone must hear of it (<c>nextMoment</c>: a rule's threshold, the next chunk), the
/// end of the buffered audio and the end of the track, each exactly when the playhead gets there.
/// Time comes from the loop.
/// </summary>
internal sealed class PlayheadClock : IDisposable
{
    private readonly string _trackId;
    private readonly TimeSpan _duration;
    private readonly double _speed;
    private readonly IScheduler _loop;
    private readonly Func<TimeSpan, TimeSpan> _playableUntil;
    private readonly Func<TimeSpan, TimeSpan> _nextMoment;
    private readonly BehaviorSubject<PlaybackPosition> _positions;
    private readonly SerialDisposable _wake = new();
    private bool _userPaused;
    // What other threads read: the last position reported, when, and how far it can have moved since.
    private volatile Anchor _anchor;

    private sealed record Anchor(PlaybackPosition Reported, DateTimeOffset At, TimeSpan Reach);

    public PlayheadClock(string trackId, TimeSpan duration, TimeSpan start, double speed, IScheduler loop,
        Func<TimeSpan, TimeSpan> playableUntil, Func<TimeSpan, TimeSpan> nextMoment)
    {
        _trackId = trackId;
        _duration = duration;
        _speed = speed;
        _loop = loop;
        _playableUntil = playableUntil;
        _nextMoment = nextMoment;
        var first = new PlaybackPosition(trackId, start, PlayerState.Buffering);
        _positions = new BehaviorSubject<PlaybackPosition>(first);
        _anchor = new Anchor(first, loop.Now, start);
    }

    /// <summary>The current position at once, then at every moment and every change of state.</summary>
    public IObservable<PlaybackPosition> Positions => _positions.AsObservable();

    /// <summary>
    /// The position now, between reports too (any thread may ask): a playing clock has moved on at its
    /// speed from the last report, and cannot have passed the next one, which comes exactly where it
    /// would stop or someone must hear of it.
    /// </summary>
    public PlaybackPosition Current
    {
        get
        {
            var anchor = _anchor;
            if (anchor.Reported.State != PlayerState.Playing) return anchor.Reported;
            var moved = anchor.Reported.Position + Scaled(_loop.Now - anchor.At);
            return anchor.Reported with { Position = Min(moved, anchor.Reach) };
        }
    }

    /// <summary>
    /// Positions every <paramref name="period"/> of real time while playing, besides the clock's own
    /// reports: for a sound device, which must hear the playhead move smoothly; the rules do not need them.
    /// </summary>
    public IObservable<PlaybackPosition> Sampled(TimeSpan period) =>
        Positions.Publish(reports => reports.Merge(
            Observable.Interval(period, _loop)
                .Select(_ => Current)
                .Where(p => p.State == PlayerState.Playing)
                .TakeUntil(reports.LastOrDefaultAsync())));

    public void Start(TimeSpan at) => Set(at, _userPaused ? PlayerState.Paused : PlayerState.Playing);

    public void Pause(TimeSpan at) => Set(at, PlayerState.Underrun);

    public void Resume(TimeSpan at) => Set(at, _userPaused ? PlayerState.Paused : PlayerState.Playing);

    /// <summary>The user's pause: the playhead stands where it is (an underrun in progress stays one).</summary>
    public void UserPause()
    {
        if (_userPaused) return;
        _userPaused = true;
        var now = Advanced();
        if (now.State == PlayerState.Playing) Set(now.Position, PlayerState.Paused);
    }

    public void UserResume()
    {
        if (!_userPaused) return;
        _userPaused = false;
        if (Reported.State == PlayerState.Paused) Set(Reported.Position, PlayerState.Playing);
    }

    private PlaybackPosition Reported => _positions.Value;

    private void Set(TimeSpan at, PlayerState state)
    {
        if (Reported.State == PlayerState.Ended) return;
        _wake.Disposable = null;
        Publish(new PlaybackPosition(_trackId, at, state));
    }

    /// <summary>Where a playing clock is now: moved on from its last report by the time passed, never past playable audio.</summary>
    private PlaybackPosition Advanced()
    {
        var anchor = _anchor;
        var seen = anchor.Reported;
        if (seen.State != PlayerState.Playing) return seen;
        var wanted = seen.Position + Scaled(_loop.Now - anchor.At);
        var position = Min(wanted, Min(_playableUntil(seen.Position), _duration));
        return new PlaybackPosition(_trackId, position, position >= _duration ? PlayerState.Ended : PlayerState.Playing);
    }

    private void Publish(PlaybackPosition position)
    {
        _anchor = new Anchor(position, _loop.Now, position.Position);
        _positions.OnNext(position);
        if (position.State == PlayerState.Ended)
        {
            _wake.Disposable = null;
            _positions.OnCompleted();
            return;
        }
        // Unless a subscriber has moved the clock meanwhile (then its own report has set the wake).
        if (position.State == PlayerState.Playing && Reported == position) WakeAtNextMoment(position);
    }

    private void WakeAtNextMoment(PlaybackPosition from)
    {
        var reach = Min(_nextMoment(from.Position), Min(_playableUntil(from.Position), _duration));
        _anchor = new Anchor(from, _anchor.At, Max(reach, from.Position));
        // At the end of the buffered audio the clock stands until the underrun rule pauses it (rule 5
        // judges the level of zero this very report gives) and resumes it once data is here.
        if (reach <= from.Position)
        {
            _wake.Disposable = null;
            return;
        }
        // Rounded up, so the playhead is at or just past the moment when it is reported.
        var delay = TimeSpan.FromTicks((long)Math.Ceiling((reach - from.Position).Ticks / _speed));
        _wake.Disposable = _loop.Schedule(delay, () => Publish(Advanced()));
    }

    private TimeSpan Scaled(TimeSpan elapsed) => TimeSpan.FromTicks((long)(elapsed.Ticks * _speed));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public void Dispose()
    {
        _wake.Dispose();
        _positions.OnCompleted();
    }
}
