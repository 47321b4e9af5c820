namespace Spotify.Rx.Streams.Decisions;

/// <summary>The client's answer to a stutter (docs/ARCHITECTURE.md rule 4).</summary>
public enum StutterMode
{
    /// <summary>Uploads run and the current track may come from peers.</summary>
    Normal,

    /// <summary>
    /// After a stutter: all uploads stopped and the current track taken from the server only,
    /// until the current track is fully buffered.
    /// </summary>
    Recovering,
}
