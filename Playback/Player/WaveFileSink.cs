using NAudio.Wave;
using Spotify.Rx.Playback.Opus;

namespace Spotify.Rx.Playback.Player;

/// <summary>Writes what the player plays to a 16-bit 48 kHz stereo WAV file (NAudio's WaveFileWriter).</summary>
public sealed class WaveFileSink(string path) : IAudioSink
{
    private readonly WaveFileWriter _writer = new(path, new WaveFormat(OpusFormat.SampleRate, 16, OpusFormat.Channels));
    private short[] _scratch = [];

    public void Write(ReadOnlySpan<short> interleaved)
    {
        if (_scratch.Length < interleaved.Length) _scratch = new short[interleaved.Length];
        interleaved.CopyTo(_scratch);
        _writer.WriteSamples(_scratch, 0, interleaved.Length);
    }

    public void Dispose() => _writer.Dispose();
}
