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
/// It ticks only while playing; time comes from the loop.
/// </summary>
internal sealed class PlayheadClock : IDisposable
{
    /// <summary>How often a playing clock tells its position (real time).</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly string _trackId;
    private readonly TimeSpan _duration;
    private readonly double _speed;
    private readonly IScheduler _loop;
    private readonly Func<TimeSpan, TimeSpan> _playableUntil;
    private readonly BehaviorSubject<PlaybackPosition> _positions;
    private readonly SerialDisposable _ticks = new();
    private DateTimeOffset _last;
    private bool _userPaused;

    public PlayheadClock(string trackId, TimeSpan duration, TimeSpan start, double speed, IScheduler loop, Func<TimeSpan, TimeSpan> playableUntil)
    {
        _trackId = trackId;
        _duration = duration;
        _speed = speed;
        _loop = loop;
        _playableUntil = playableUntil;
        _positions = new BehaviorSubject<PlaybackPosition>(new PlaybackPosition(trackId, start, PlayerState.Buffering));
    }

    /// <summary>The current position at once, then on every tick and every change of state.</summary>
    public IObservable<PlaybackPosition> Positions => _positions.AsObservable();

    /// <summary>The position now; other threads may read it (a snapshot of an immutable value).</summary>
    public PlaybackPosition Current => _positions.Value;

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
        if (Current.State == PlayerState.Paused) Set(Current.Position, PlayerState.Playing);
    }

    private void Set(TimeSpan at, PlayerState state)
    {
        if (Current.State == PlayerState.Ended) return;
        _last = _loop.Now;
        _ticks.Disposable = state == PlayerState.Playing
            ? Observable.Interval(Tick, _loop).Subscribe(_ => Publish(Advanced()))
            : null;
        Publish(new PlaybackPosition(_trackId, at, state));
    }

    /// <summary>Where a playing clock is now: moved on by the time passed, never past playable audio.</summary>
    private PlaybackPosition Advanced()
    {
        var seen = Current;
        if (seen.State != PlayerState.Playing) return seen;
        var now = _loop.Now;
        var wanted = seen.Position + TimeSpan.FromTicks((long)((now - _last).Ticks * _speed));
        _last = now;
        var position = Min(wanted, Min(_playableUntil(seen.Position), _duration));
        return new PlaybackPosition(_trackId, position, position >= _duration ? PlayerState.Ended : PlayerState.Playing);
    }

    private void Publish(PlaybackPosition position)
    {
        _positions.OnNext(position);
        if (position.State != PlayerState.Ended) return;
        _ticks.Disposable = null;
        _positions.OnCompleted();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public void Dispose()
    {
        _ticks.Dispose();
        _positions.OnCompleted();
    }
}
