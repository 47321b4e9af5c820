using System.Runtime.InteropServices;
using Spotify.Rx.Playback.Opus;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Streams;

namespace Spotify.Rx.Client;

/// <summary>
/// The sound of one play: follows the player's positions (its start, every 50 ms, the underrun pause and
/// the resume) and, as the playhead passes audio, decodes those Ogg pages from the download's verified
/// bytes and writes their samples to the run's sink — exactly the samples between the start and the
/// playhead, never ahead of it, never twice. The position observer only notes the playhead and wakes the
/// run's decoding thread; decoding happens there, so the rules never wait for it.
/// <para>
/// A random-access start is exact (docs/PLAYBACK.md, "Seeking"): the page before the start page is decoded
/// first and its audio discarded. The download aims at that page last, so the output asks the server for it
/// (one page, about 20 KB) as the play begins, before the rule-1 window; if it has still not come
/// <see cref="PreRollPatience"/> after the playhead started, the output starts cold (its first few hundred
/// milliseconds a few LSB off) and says so.
/// </para>
/// </summary>
internal sealed class AudioOutput : IDisposable
{
    private static readonly TimeSpan PreRollPatience = TimeSpan.FromSeconds(3);

    /// <summary>How often the output hears the playhead while it plays: the slices in which it writes samples.</summary>
    public static readonly TimeSpan PlayheadEvery = TimeSpan.FromMilliseconds(50);

    private readonly AudioOutputRun _run;
    private readonly TrackDownload _download;
    // Held until the decoding thread is done with them: that thread may still read after the play has ended.
    private byte[]? _bytes;
    private readonly TrackManifest _track;
    private readonly IDisposable _subscription;
    private readonly object _gate = new();
    private readonly long _endSample;
    private int _wakeQueued;

    // Written by the position observer under _gate.
    private bool _started, _stopped;
    private long _startSample, _playhead;
    private DateTimeOffset _startedAt;

    // Only touched on the run's decoding thread.
    private readonly OpusPageDecoder _decoder;
    private readonly List<short> _pcm = new(OpusFormat.PageSamples * OpusFormat.Channels);
    private readonly List<short> _discarded = new(OpusFormat.PageSamples * OpusFormat.Channels);
    private bool _begun, _cold, _finished;
    private long _written, _pcmStart;
    private int _nextPage, _pagesDecoded;

    public AudioOutput(AudioOutputRun run, IObservable<PlaybackPosition> positions, TimeSpan start, TrackDownload download)
    {
        _run = run;
        _download = download;
        _bytes = download.HoldBytes();
        _track = download.Manifest;
        _endSample = ToSample(_track.Duration);
        _decoder = new OpusPageDecoder(_track.PreSkip);
        AskForPreRoll(start);
        _subscription = positions.Subscribe(OnPosition, () => Stop());
    }

    /// <summary>
    /// Asked here, on the playlist's thread before the play's rules run, so that the request goes out ahead of
    /// rule 1's window on the server's single connection and the page is normally there before playback starts.
    /// </summary>
    private void AskForPreRoll(TimeSpan start)
    {
        var page = _track.PageIndexAt(start);
        if (page == 0 || _download.IsComplete || HasPage(page - 1)) return;
        _download.FetchFromServer(TrackManifest.SamplesToTime(_track.PageStartSample(page - 1)), TimeSpan.FromSeconds(1));
    }

    private void OnPosition(PlaybackPosition p)
    {
        lock (_gate)
        {
            if (_stopped) return;
            // The first Playing position is the start itself (the clock publishes it before it ever moves).
            if (!_started && p.State is PlayerState.Playing or PlayerState.Ended)
            {
                _started = true;
                _startSample = _playhead = Math.Min(ToSample(p.Position), _endSample);
                _startedAt = _run.Scheduler.Now;
            }
            if (_started) _playhead = Math.Max(_playhead, Math.Min(ToSample(p.Position), _endSample));
        }
        Wake();
    }

    /// <summary>At most one wake-up waits on the decoding thread per play: positions coalesce, none is lost.</summary>
    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakeQueued, 1) == 0) _run.Post(CatchUp);
    }

    private void Stop()
    {
        lock (_gate)
        {
            if (_stopped) return;
            _stopped = true;
        }
        // Unconditional: this last catch-up writes up to the final playhead and closes the play's output.
        _run.Post(CatchUp);
    }

    private void CatchUp()
    {
        Volatile.Write(ref _wakeQueued, 0);
        if (_finished) return;
        bool started, stopped;
        long start, target;
        DateTimeOffset startedAt;
        lock (_gate) (started, stopped, start, target, startedAt) = (_started, _stopped, _startSample, _playhead, _startedAt);

        if (started && _run.IsOn)
        {
            try
            {
                if (!_begun) Begin(start, waitForPreRoll: !stopped && _run.Scheduler.Now - startedAt < PreRollPatience);
                if (_begun) WriteUpTo(target);
            }
            catch (Exception e)
            {
                // Verified bytes should always decode; if they do not, this play goes silent, not the process.
                _run.Events.Add("audio-error", $"{_track.Id}: page {_nextPage} did not decode ({e.Message}); no more sound for this play");
                Finish(start);
                return;
            }
        }
        if (stopped) Finish(started ? start : (long?)null);
    }

    /// <summary>Positions the decoder on the start page, after decoding the page before it when it is here.</summary>
    private void Begin(long start, bool waitForPreRoll)
    {
        var page = _track.PageIndexAt(TrackManifest.SamplesToTime(start));
        if (page > 0)
        {
            if (HasPage(page - 1))
                _decoder.DecodePage(PageAt(page - 1), TrackPcm.StartGranule(_track, page - 1), _discarded);
            else if (waitForPreRoll)
                return;
            else
                _cold = true;
        }
        _discarded.Clear();
        _nextPage = page;
        _pcmStart = _track.PageStartSample(page);
        _written = start;
        _begun = true;
    }

    /// <summary>Decodes pages as <paramref name="target"/> (the playhead) reaches them and writes what it passed.</summary>
    private void WriteUpTo(long target)
    {
        while (_written < target)
        {
            var pcmEnd = _pcmStart + _pcm.Count / OpusFormat.Channels;
            if (_written >= pcmEnd)
            {
                // The clock never passes playable audio, so the page is here; if not, wait for the next position.
                if (_nextPage >= _track.Pages.Count || !HasPage(_nextPage)) return;
                _pcm.Clear();
                _pcmStart = _track.PageStartSample(_nextPage);
                _decoder.DecodePage(PageAt(_nextPage), TrackPcm.StartGranule(_track, _nextPage), _pcm);
                _nextPage++;
                _pagesDecoded++;
                continue;
            }
            var upTo = Math.Min(target, pcmEnd);
            var from = (int)(_written - _pcmStart) * OpusFormat.Channels;
            var count = (int)(upTo - _written) * OpusFormat.Channels;
            if (!_run.Write(CollectionsMarshal.AsSpan(_pcm).Slice(from, count), _track.Id)) return;
            _written = upTo;
        }
    }

    private void Finish(long? start)
    {
        _finished = true;
        if (_bytes is { } held) _download.Release(held);
        _bytes = null;
        if (start is not { } first) return;
        var seconds = TrackManifest.SamplesToTime(_written - Math.Min(_written, first)).TotalSeconds;
        _run.Events.Add("audio", $"{_track.Id}: {seconds:0.000}s from {TrackManifest.SamplesToTime(first).TotalSeconds:0.000}s " +
            $"written to {_run.SinkName}, {_pagesDecoded} pages decoded{(_cold ? ", cold start (no pre-roll page)" : "")}");
    }

    private bool HasPage(int page)
    {
        var end = page + 1 < _track.Pages.Count ? _track.PageStartSample(page + 1) : _endSample;
        return ToSample(_download.PlayableUntil(TrackManifest.SamplesToTime(_track.PageStartSample(page)))) >= end;
    }

    private Playback.Ogg.OggPage PageAt(int page) =>
        TrackPcm.PageAt(_track, _bytes ?? throw new InvalidOperationException("the play's bytes were let go before its sound was written"), page);

    private static long ToSample(TimeSpan t) => (long)Math.Round(t.TotalSeconds * OpusFormat.SampleRate);

    public void Dispose()
    {
        _subscription.Dispose();
        Stop();
    }
}
