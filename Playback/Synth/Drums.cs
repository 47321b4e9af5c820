using NAudio.Wave;

namespace Spotify.Rx.Playback.Synth;

/// <summary>
/// A kick drum: a sine whose pitch falls from <paramref name="startHz"/> to <paramref name="endHz"/> under an
/// exponential decay (NAudio's SignalGenerator sweeps only upwards and linearly, which sounds like a laser).
/// </summary>
internal sealed class KickDrum(float gain, double startHz = 130, double endHz = 45, double seconds = 0.35) : ISampleProvider
{
    private readonly int _length = (int)(seconds * SynthFormat.SampleRate);
    private int _position;
    private double _phase;

    public WaveFormat WaveFormat => SynthFormat.Mono;

    public int Read(Span<float> buffer)
    {
        int n = Math.Min(buffer.Length, _length - _position);
        for (int i = 0; i < n; i++, _position++)
        {
            double t = _position / (double)SynthFormat.SampleRate;
            double hz = endHz + (startHz - endHz) * Math.Exp(-t * 30);
            _phase += 2 * Math.PI * hz / SynthFormat.SampleRate;
            buffer[i] = (float)(gain * Math.Sin(_phase) * Math.Exp(-t * 9));
        }
        return n;
    }
}

/// <summary>
/// A noise hit (snare, hi-hat) from a seeded generator: NAudio's white noise uses an unseeded Random, and the
/// library must be the same on every run. <paramref name="brightness"/> in [0, 1] mixes in the first difference
/// of the noise, which tilts it towards the highs.
/// </summary>
internal sealed class NoiseHit(uint seed, float gain, double seconds, double decayPerSecond, double brightness) : ISampleProvider
{
    private readonly int _length = (int)(seconds * SynthFormat.SampleRate);
    private uint _state = seed | 1;
    private int _position;
    private float _last;

    public WaveFormat WaveFormat => SynthFormat.Mono;

    public int Read(Span<float> buffer)
    {
        int n = Math.Min(buffer.Length, _length - _position);
        for (int i = 0; i < n; i++, _position++)
        {
            _state ^= _state << 13; _state ^= _state >> 17; _state ^= _state << 5;
            float white = (_state / (float)uint.MaxValue) * 2 - 1;
            float sample = (float)((1 - brightness) * white + brightness * (white - _last) * 0.5);
            _last = white;
            buffer[i] = (float)(gain * sample * Math.Exp(-decayPerSecond * _position / SynthFormat.SampleRate));
        }
        return n;
    }
}
