namespace Spotify.Rx.Playback.Player;

/// <summary>Where decoded audio goes: 48 kHz interleaved stereo 16-bit samples, in playback order.</summary>
public interface IAudioSink : IDisposable
{
    void Write(ReadOnlySpan<short> interleaved);
}

/// <summary>The clock without sound: for the swarm, tests and headless nodes.</summary>
public sealed class NullSink : IAudioSink
{
    public long SamplesWritten { get; private set; }
    public void Write(ReadOnlySpan<short> interleaved) => SamplesWritten += interleaved.Length;
    public void Dispose() { }
}
