namespace Spotify.Rx.Streams;

/// <summary>What the player is doing; <see cref="Underrun"/> is the rule-5 pause.</summary>
public enum PlayerState
{
    Idle,
    Buffering,
    Playing,
    Underrun,
    Ended,

    /// <summary>The user paused: the playhead stands, downloading goes on; no underrun, no stutter.</summary>
    Paused,
}

/// <summary>A playback position of one track, in audio time.</summary>
public readonly record struct PlaybackPosition(string TrackId, TimeSpan Position, PlayerState State);
