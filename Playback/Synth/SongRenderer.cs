using NAudio.Sequencing;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace Spotify.Rx.Playback.Synth;

/// <summary>
/// Plays a <see cref="Song"/> through NAudio's sequencer: each note becomes a voice (a chain of sample providers)
/// added to the sequencer's mixer at its exact frame, then a master gain and a soft limiter.
/// </summary>
public sealed class SongRenderer : ISampleProvider
{
    private const int FadeOutFrames = 2 * SynthFormat.SampleRate;
    private readonly Song _song;
    private readonly SequencedSampleProvider<Note> _sequencer;
    private long _frame;

    public SongRenderer(Song song)
    {
        _song = song;
        var timeline = new EventTimeline<Note>();
        foreach (var (tick, note) in song.Events) timeline.Add(tick, note);
        var transport = new Transport(new StaticTempoMap(song.Bpm), SynthFormat.SampleRate);
        _sequencer = new SequencedSampleProvider<Note>(transport, timeline, SynthFormat.Stereo, Dispatch);
        _sequencer.Mixer.ReadFully = true;
        transport.Play();
    }

    public WaveFormat WaveFormat => SynthFormat.Stereo;

    private void Dispatch(SequencerEvent<Note> e, int frameOffset)
    {
        uint noiseSeed = _song.Seed * 2654435761u ^ (uint)e.Tick * 40503u ^ (uint)e.Payload.Instrument;
        _sequencer.Mixer.AddMixerInput(new OffsetSampleProvider(e.Payload.Voice(noiseSeed)) { DelayBySamples = frameOffset * 2 });
    }

    /// <summary>Stereo samples up to the song's length, then 0 (end of stream).</summary>
    public int Read(Span<float> buffer)
    {
        long remaining = (_song.Frames - _frame) * 2;
        if (remaining <= 0) return 0;
        var slice = buffer[..(int)Math.Min(buffer.Length, remaining)];
        int read = _sequencer.Read(slice);
        for (int i = 0; i < read; i += 2, _frame++)
        {
            long left = _song.Frames - _frame;
            float fade = left < FadeOutFrames ? left / (float)FadeOutFrames : 1f;
            slice[i] = Limit(slice[i] * fade);
            slice[i + 1] = Limit(slice[i + 1] * fade);
        }
        return read;
    }

    /// <summary>A soft knee above 0.8 instead of hard clipping when voices pile up.</summary>
    private static float Limit(float x)
    {
        float a = MathF.Abs(x);
        if (a <= 0.8f) return x;
        return MathF.Sign(x) * (0.8f + 0.2f * MathF.Tanh((a - 0.8f) / 0.2f));
    }
}
