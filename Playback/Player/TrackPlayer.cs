using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Spotify.Rx.Playback.Buffering;
using Spotify.Rx.Playback.Opus;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Streams;

namespace Spotify.Rx.Playback.Player;

/// <summary>
/// Plays one track from its <see cref="PlayoutBuffer"/>: a clock on an <see cref="IScheduler"/> advances the
/// position by <c>Tick × Speed</c> every tick, pages are decoded as the position reaches them and their samples
/// go to the sink. When the position reaches audio that is not buffered (rule 5) it stops exactly at the end of
/// the playable audio, counts an underrun, and resumes from that very sample once more audio is buffered.
/// </summary>
public sealed class TrackPlayer : IDisposable
{
    private readonly object _gate = new();
    private readonly PlayoutBuffer _buffer;
    private readonly IScheduler _scheduler;
    private readonly IAudioSink _sink;
    private readonly PlayerOptions _options;
    private readonly OpusPageDecoder _decoder;
    private readonly BehaviorSubject<PlaybackPosition> _positions;
    private readonly List<short> _pcm = new(OpusFormat.PageSamples * OpusFormat.Channels);
    private IDisposable? _clock;
    private long _sample;          // playback position in samples (pre-skip removed)
    private long _written;         // samples handed to the sink
    private int _nextPage;         // next page to decode
    private long _pcmStart;        // playback sample of _pcm[0]
    private PlayerState _state = PlayerState.Idle;
    private bool _disposed;

    public TrackManifest Track => _buffer.Track;
    public int Underruns { get; private set; }

    public TrackPlayer(PlayoutBuffer buffer, IScheduler scheduler, IAudioSink sink, PlayerOptions? options = null)
    {
        _buffer = buffer;
        _scheduler = scheduler;
        _sink = sink;
        _options = options ?? new PlayerOptions();
        if (_options.Speed <= 0) throw new ArgumentOutOfRangeException(nameof(options), "speed must be positive");
        _decoder = new OpusPageDecoder(buffer.Track.PreSkip);
        _positions = new BehaviorSubject<PlaybackPosition>(new(Track.Id, TimeSpan.Zero, PlayerState.Idle));
    }

    /// <summary>Position and state, published on every change (each tick while playing).</summary>
    public IObservable<PlaybackPosition> Positions => _positions.DistinctUntilChanged();

    public IObservable<PlayerState> States => _positions.Select(p => p.State).DistinctUntilChanged();

    public PlaybackPosition Current => _positions.Value;

    /// <summary>
    /// Starts playing at <paramref name="from"/>: buffering until the page holding it is buffered, then playing.
    /// Decoding starts one page earlier when that page is buffered too (exact pre-roll, see <see cref="TrackPcm"/>).
    /// </summary>
    public void Play(TimeSpan from)
    {
        lock (_gate)
        {
            _clock?.Dispose();
            _sample = Math.Clamp((long)Math.Round(from.TotalSeconds * OpusFormat.SampleRate), 0, ToSample(Track.Duration));
            _written = _sample;
            _nextPage = Track.PageIndexAt(TrackManifest.SamplesToTime(_sample));
            _pcm.Clear();
            _pcmStart = Track.PageStartSample(_nextPage);
            _decoder.Reset();
            _buffer.Playhead = TrackManifest.SamplesToTime(_sample);
            Publish(PlayerState.Buffering);
            _clock = _scheduler.SchedulePeriodic(_options.Tick, Tick);
        }
    }

    /// <summary>Stops the clock where it is.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _clock?.Dispose();
            _clock = null;
            Publish(PlayerState.Idle);
        }
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_clock is null) return;
            long available = ToSample(_buffer.PlayableUntil);
            long end = ToSample(Track.Duration);
            switch (_state)
            {
                case PlayerState.Buffering or PlayerState.Underrun:
                    // Resume as soon as anything beyond the position can be decoded: the position never moved.
                    if (available > _sample) Publish(PlayerState.Playing);
                    break;
                case PlayerState.Playing:
                    long step = (long)Math.Round(_options.Tick.TotalSeconds * _options.Speed * OpusFormat.SampleRate);
                    long target = Math.Min(_sample + step, end);
                    if (target <= available)
                    {
                        Advance(target);
                        Publish(_sample >= end ? PlayerState.Ended : PlayerState.Playing);
                        if (_sample >= end) { _clock.Dispose(); _clock = null; }
                    }
                    else
                    {
                        Advance(available);
                        Underruns++;
                        Publish(PlayerState.Underrun);
                    }
                    break;
            }
        }
    }

    /// <summary>Moves the position to <paramref name="target"/>, decoding pages and writing samples on the way.</summary>
    private void Advance(long target)
    {
        while (_written < target)
        {
            long pcmEnd = _pcmStart + _pcm.Count / OpusFormat.Channels;
            if (_written >= pcmEnd && !DecodeNextPage()) break;
            pcmEnd = _pcmStart + _pcm.Count / OpusFormat.Channels;
            long upTo = Math.Min(target, pcmEnd);
            if (upTo > _written)
            {
                int from = (int)(_written - _pcmStart) * OpusFormat.Channels;
                int count = (int)(upTo - _written) * OpusFormat.Channels;
                _sink.Write(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pcm).Slice(from, count));
                _written = upTo;
            }
        }
        _sample = _written;
        _buffer.Playhead = TrackManifest.SamplesToTime(_sample);
    }

    private bool DecodeNextPage()
    {
        if (_nextPage >= Track.Pages.Count) return false;
        var page = _buffer.TryGetPage(_nextPage);
        if (page is null) return false;
        if (_pcm.Count == 0 && _nextPage > 0 && _buffer.TryGetPage(_nextPage - 1) is { } preRoll)
            _decoder.DecodePage(preRoll, TrackPcm.StartGranule(Track, _nextPage - 1), []);
        _pcm.Clear();
        _pcmStart = Track.PageStartSample(_nextPage);
        _decoder.DecodePage(page, TrackPcm.StartGranule(Track, _nextPage), _pcm);
        _nextPage++;
        return true;
    }

    private void Publish(PlayerState state)
    {
        _state = state;
        _positions.OnNext(new PlaybackPosition(Track.Id, TrackManifest.SamplesToTime(_sample), state));
    }

    private static long ToSample(TimeSpan t) => (long)Math.Round(t.TotalSeconds * OpusFormat.SampleRate);

    /// <summary>Stops the clock, completes the observables and closes the sink (the player owns it).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _clock?.Dispose();
            _clock = null;
            _sink.Dispose();
        }
        _positions.OnCompleted();
        _positions.Dispose();
    }
}
