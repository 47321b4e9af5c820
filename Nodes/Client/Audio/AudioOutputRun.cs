using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Spotify.Rx.Playback.Player;

namespace Spotify.Rx.Client;

/// <summary>
/// One sink for one playlist run, and the one thread that decodes and writes into it. Every play of the
/// run (<see cref="Follow"/>) queues its work on that thread, so the tracks reach the sink whole and in
/// the order they were played, and no decoding or sink write ever runs on a play's event loop or the
/// scheduler that drives the rules. A sink that fails is reported once and closed; the plays go on.
/// </summary>
internal sealed class AudioOutputRun : IAsyncDisposable
{
    // A slow sink (a stuck pipe) must not keep a finished playlist from returning for long.
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(15);

    /// <summary>The run of the <c>null</c> sink, or of a sink that would not open: nothing is decoded.</summary>
    public static readonly AudioOutputRun Off = new();

    private readonly IAudioSink? _sink;
    private readonly EventLoopScheduler? _loop;
    private bool _failed; // only touched on the loop

    private AudioOutputRun()
    {
        SinkName = "null";
        Events = null!;
        Scheduler = ImmediateScheduler.Instance;
    }

    public AudioOutputRun(IAudioSink sink, string sinkName, RuleEvents events, IScheduler scheduler)
    {
        _sink = sink;
        SinkName = sinkName;
        Events = events;
        Scheduler = scheduler;
        _loop = new EventLoopScheduler(start => new Thread(start) { IsBackground = true, Name = "audio output" });
    }

    public string SinkName { get; }
    public RuleEvents Events { get; }
    /// <summary>The client's clock (not the decoding thread): how long a play waits for its pre-roll page.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>False once the sink has failed (or for <see cref="Off"/>): plays then decode nothing more.</summary>
    public bool IsOn => _sink is not null && !Volatile.Read(ref _failed);

    /// <summary>Writes the audio of one play as its playhead passes it; disposing ends that play's output.</summary>
    public IDisposable Follow(TrackPlayback playback, TrackDownload download) =>
        _loop is null ? Disposable.Empty : new AudioOutput(this, playback.PositionsEvery(AudioOutput.PlayheadEvery), playback.Start, download);

    /// <summary>Runs <paramref name="work"/> on the decoding thread, after everything queued before it.</summary>
    internal void Post(Action work) => _loop?.Schedule(work);

    /// <summary>Hands samples to the sink, on the decoding thread. False when the sink is (now) off.</summary>
    internal bool Write(ReadOnlySpan<short> interleaved, string trackId)
    {
        if (_sink is null || _failed) return false;
        try
        {
            _sink.Write(interleaved);
            return true;
        }
        catch (Exception e)
        {
            // Audio is a by-product of the play: a broken pipe or a full disk silences it, the play goes on.
            Volatile.Write(ref _failed, true);
            Events.Add("audio-error", $"{SinkName} failed during {trackId}: {e.Message}; sound off for the rest of the run");
            Close();
            return false;
        }
    }

    private void Close()
    {
        try { _sink?.Dispose(); }
        catch (Exception e) { Events.Add("audio-error", $"{SinkName} did not close cleanly: {e.Message}"); }
    }

    /// <summary>Waits for the plays' queued audio to be written, then closes the sink (a WAV's header is final then).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_loop is null) return;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Schedule(() =>
        {
            if (!_failed) Close();
            drained.TrySetResult();
        });
        try
        {
            await drained.Task.WaitAsync(DrainBound);
        }
        catch (TimeoutException)
        {
            Events.Add("audio-error", $"{SinkName} still busy {DrainBound.TotalSeconds:0} s after the run: left behind");
        }
        _loop.Dispose();
    }
}
