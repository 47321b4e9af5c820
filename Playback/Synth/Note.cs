using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace Spotify.Rx.Playback.Synth;

public enum Instrument { Pad, Bass, Lead, Kick, Snare, HiHat }

/// <summary>One event of a song: what sounds, at which pitch (MIDI number), how long, how loud, where.</summary>
public readonly record struct Note(Instrument Instrument, int Midi, double Seconds, float Velocity, float Pan)
{
    public static double Frequency(int midi) => 440.0 * Math.Pow(2, (midi - 69) / 12.0);

    /// <summary>The voice for this note, as a stereo chain of NAudio sample providers.</summary>
    internal ISampleProvider Voice(uint noiseSeed)
    {
        ISampleProvider mono = Instrument switch
        {
            Instrument.Pad => Tone(SignalGeneratorType.Triangle, 0.09f, attack: 0.08, decay: Seconds * 1.2, sustain: 0.0f),
            Instrument.Bass => Tone(SignalGeneratorType.Sin, 0.30f, attack: 0.005, decay: Seconds, sustain: 0.0f),
            Instrument.Lead => Tone(SignalGeneratorType.Square, 0.05f, attack: 0.01, decay: Seconds * 0.9, sustain: 0.0f),
            Instrument.Kick => new KickDrum(0.55f * Velocity),
            Instrument.Snare => new NoiseHit(noiseSeed, 0.22f * Velocity, 0.25, 18, 0.4),
            Instrument.HiHat => new NoiseHit(noiseSeed, 0.07f * Velocity, 0.06, 60, 1.0),
            _ => throw new ArgumentOutOfRangeException(nameof(Instrument)),
        };
        return new PanningSampleProvider(mono) { Pan = Pan };
    }

    /// <summary>
    /// A generator under an ADSR whose sustain is zero, so the note has died away by the time <c>Take</c> ends
    /// it: a cut at a non-zero level would click.
    /// </summary>
    private ISampleProvider Tone(SignalGeneratorType type, float gain, double attack, double decay, float sustain)
    {
        var generator = new SignalGenerator(SynthFormat.SampleRate, 1) { Type = type, Frequency = Frequency(Midi), Gain = gain * Velocity };
        var shaped = new AdsrSampleProvider(generator.Take(TimeSpan.FromSeconds(Seconds + 0.05)))
        {
            AttackSeconds = (float)attack,
            DecaySeconds = (float)decay,
            SustainLevel = sustain,
            ReleaseSeconds = 0.05f,
        };
        return shaped;
    }
}
