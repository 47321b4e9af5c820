namespace Spotify.Rx.Playback.Player;

public sealed record PlayerOptions
{
    /// <summary>Audio time per scheduler time: 1 is real time; the swarm and tests play faster.</summary>
    public double Speed { get; init; } = 1.0;
    /// <summary>How often (scheduler time) the clock advances and the position is published.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromMilliseconds(20);
}
