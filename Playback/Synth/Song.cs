namespace Spotify.Rx.Playback.Synth;

/// <summary>A composed song: notes placed in musical ticks (NAudio's 960 per quarter note) at one tempo.</summary>
public sealed record Song(string Title, string Artist, double Bpm, long Frames, IReadOnlyList<(long Tick, Note Note)> Events, uint Seed)
{
    public TimeSpan Length => TimeSpan.FromSeconds(Frames / (double)SynthFormat.SampleRate);
}
