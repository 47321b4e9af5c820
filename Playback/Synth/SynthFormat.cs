using NAudio.Wave;
using Spotify.Rx.Playback.Opus;

namespace Spotify.Rx.Playback.Synth;

internal static class SynthFormat
{
    public const int SampleRate = OpusFormat.SampleRate;
    public static readonly WaveFormat Mono = WaveFormat.CreateIeeeFloatWaveFormat(SampleRate, 1);
    public static readonly WaveFormat Stereo = WaveFormat.CreateIeeeFloatWaveFormat(SampleRate, 2);
}
