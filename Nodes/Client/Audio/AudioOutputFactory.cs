using System.Reactive.Concurrency;
using Spotify.Rx.Playback.Player;

namespace Spotify.Rx.Client;

/// <summary>
/// Where a client's plays sound (<see cref="ClientOptions.Sink"/>), checked once when the client
/// starts so that a bad sink is refused before anything runs:
/// <list type="bullet">
/// <item><c>null</c>: nothing is decoded (the swarm's clients, tests of the rules).</item>
/// <item><c>wav:PATH</c>: one 16-bit 48 kHz stereo WAV per playlist run (<see cref="ClientNode.PlayAsync"/>),
/// the tracks one after another in playing order; a later run of the same client replaces the file.</item>
/// <item><c>device</c>: raw PCM piped into pw-play or aplay; real time only, since nothing but the
/// player's clock paces the audio (speed 1).</item>
/// </list>
/// </summary>
internal sealed class AudioOutputFactory
{
    private enum Kind { Null, Wave, Device }

    private readonly Kind _kind;
    private readonly string? _path;

    public static readonly AudioOutputFactory Silent = new(Kind.Null, null);

    private AudioOutputFactory(Kind kind, string? path)
    {
        _kind = kind;
        _path = path;
    }

    /// <summary>The sink as the user wrote it: <c>null</c>, <c>wav:/full/path.wav</c> or <c>device</c>.</summary>
    public string Name => _kind switch
    {
        Kind.Wave => "wav:" + _path,
        Kind.Device => "device",
        _ => "null",
    };

    /// <summary>True for the <c>null</c> sink: no output is made, no page decoded.</summary>
    public bool IsSilent => _kind == Kind.Null;

    /// <summary>Reads <paramref name="sink"/>; throws with what to do instead when it cannot work.</summary>
    public static AudioOutputFactory Parse(string? sink, double speed)
    {
        var spec = (sink ?? "null").Trim();
        if (spec.Length == 0 || spec.Equals("null", StringComparison.OrdinalIgnoreCase)) return Silent;
        if (spec.StartsWith("wav:", StringComparison.OrdinalIgnoreCase))
        {
            var path = spec["wav:".Length..].Trim();
            if (path.Length == 0) throw new ArgumentException("sink 'wav:' needs a file: --sink wav:/tmp/out.wav", nameof(sink));
            var full = Path.GetFullPath(path);
            var folder = Path.GetDirectoryName(full);
            if (folder is not null && !Directory.Exists(folder))
                throw new ArgumentException($"sink '{spec}': the folder {folder} does not exist", nameof(sink));
            return new AudioOutputFactory(Kind.Wave, full);
        }
        if (spec.Equals("device", StringComparison.OrdinalIgnoreCase))
        {
            // The pipe to pw-play/aplay buffers whatever it is given: only the clock paces the sound, so
            // audio at 12× would come out as 12× the data at the device's own rate, not as faster music.
            if (Math.Abs(speed - 1) > 1e-9)
                throw new ArgumentException(
                    $"sink 'device' plays in real time only, not at speed {speed:0.###}: use --speed 1 with --sink device, or --sink wav:PATH at any speed",
                    nameof(sink));
            if (!ProcessSink.Candidates.Any(c => ProcessSink.FindOnPath(c.Command) is not null))
                throw new InvalidOperationException(
                    "sink 'device' needs an audio player: install PipeWire's pw-play (apt-get install pipewire-bin) or ALSA's aplay (apt-get install alsa-utils), or use --sink wav:PATH");
            return new AudioOutputFactory(Kind.Device, null);
        }
        throw new ArgumentException($"unknown sink '{spec}': use null, wav:PATH or device", nameof(sink));
    }

    /// <summary>
    /// Opens the sink for one playlist run. A sink that cannot be opened is reported as an event and the run
    /// goes on without sound: the play never depends on its output.
    /// </summary>
    public AudioOutputRun BeginRun(RuleEvents events, IScheduler scheduler)
    {
        if (IsSilent) return AudioOutputRun.Off;
        IAudioSink sink;
        try
        {
            sink = _kind == Kind.Wave ? new WaveFileSink(_path!) : ProcessSink.Start();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            events.Add("audio-error", $"{Name} could not be opened: {e.Message}; playing without sound");
            return AudioOutputRun.Off;
        }
        return new AudioOutputRun(sink, Name, events, scheduler);
    }
}
