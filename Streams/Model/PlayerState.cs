namespace Spotify.Rx.Streams;

/// <summary>What the player is doing; <see cref="Underrun"/> is the rule-5 pause.</summary>
public enum PlayerState
{
    Idle,
    Buffering,
    Playing,
    Underrun,
    Ended,
}

/// <summary>A playback position of one track, in audio time.</summary>
public readonly record struct PlaybackPosition(string TrackId, TimeSpan Position, PlayerState State);
