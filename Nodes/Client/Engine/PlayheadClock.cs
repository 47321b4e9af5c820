using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Spotify.Rx.Streams;

namespace Spotify.Rx.Client;

/// <summary>
/// The player's clock for one track: audio time advancing at the speed factor from the moment
/// playback starts, never past the audio that is buffered (so an underrun stops it exactly
/// where the data ran out), paused and resumed by the underrun rule. Time comes from the scheduler.
/// </summary>
internal sealed class PlayheadClock : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly object _gate = new();
    private readonly string _trackId;
    private readonly TimeSpan _duration;
    private readonly double _speed;
    private readonly IScheduler _scheduler;
    private readonly Func<TimeSpan, TimeSpan> _playableUntil;
    private readonly BehaviorSubject<PlaybackPosition> _positions;
    private readonly IDisposable _ticks;
    private readonly object _publish = new();
    private DateTimeOffset _last;
    private PlaybackPosition _current;
    private long _version;
    private bool _held;

    public PlayheadClock(string trackId, TimeSpan duration, TimeSpan start, double speed, IScheduler scheduler, Func<TimeSpan, TimeSpan> playableUntil)
    {
        _trackId = trackId;
        _duration = duration;
        _speed = speed;
        _scheduler = scheduler;
        _playableUntil = playableUntil;
        _current = new PlaybackPosition(trackId, start, PlayerState.Buffering);
        _positions = new BehaviorSubject<PlaybackPosition>(_current);
        _ticks = Observable.Interval(Tick, scheduler).Subscribe(_ => Advance());
    }

    /// <summary>The current position at once, then on every tick and every change of state.</summary>
    public IObservable<PlaybackPosition> Positions => _positions.AsObservable();

    public PlaybackPosition Current { get { lock (_gate) return _current; } }

    public void Start(TimeSpan at) => Set(at, PlayerState.Playing);

    public void Pause(TimeSpan at) => Set(at, PlayerState.Underrun);

    public void Resume(TimeSpan at) => Set(at, PlayerState.Playing);

    /// <summary>
    /// A user pause: the playhead stands still (the state stays what it was, so no rule takes it for an
    /// underrun) until <see cref="Release"/>; the download goes on meanwhile.
    /// </summary>
    public void Hold()
    {
        lock (_gate)
        {
            _held = true;
            _version++;
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            if (!_held) return;
            _held = false;
            // The time held is not played: the playhead moves on from the moment of release.
            _last = _scheduler.Now;
            _version++;
        }
    }

    private void Set(TimeSpan at, PlayerState state)
    {
        PlaybackPosition next;
        lock (_gate)
        {
            if (_current.State == PlayerState.Ended) return;
            _last = _scheduler.Now;
            _current = next = new PlaybackPosition(_trackId, at, state);
            _version++;
        }
        Publish(next);
    }

    // Observers run outside the clock's lock (the rules react to positions by calling back in),
    // but one at a time and in the order the positions were made.
    private void Publish(PlaybackPosition position)
    {
        lock (_publish)
        {
            _positions.OnNext(position);
            if (position.State == PlayerState.Ended) _positions.OnCompleted();
        }
    }

    private void Advance()
    {
        PlaybackPosition seen;
        long version;
        lock (_gate) (seen, version) = (_current, _version);
        // The download is asked outside the clock's lock: no lock is held while calling out.
        var buffered = seen.State == PlayerState.Playing ? _playableUntil(seen.Position) : seen.Position;
        PlaybackPosition next;
        lock (_gate)
        {
            // A Start/Pause/Resume that came in meanwhile wins; this tick is then skipped.
            if (version == _version && seen.State == PlayerState.Playing && _held)
            {
                _last = _scheduler.Now;
            }
            else if (version == _version && seen.State == PlayerState.Playing)
            {
                var now = _scheduler.Now;
                var wanted = seen.Position + TimeSpan.FromTicks((long)((now - _last).Ticks * _speed));
                _last = now;
                var position = Min(wanted, Min(buffered, _duration));
                var state = position >= _duration ? PlayerState.Ended : PlayerState.Playing;
                _current = new PlaybackPosition(_trackId, position, state);
                _version++;
            }
            next = _current;
        }
        Publish(next);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public void Dispose()
    {
        _ticks.Dispose();
        lock (_publish) _positions.OnCompleted();
    }
}
