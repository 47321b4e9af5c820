namespace Spotify.Rx.Streams;

/// <summary>Fixed spans of audio time that follow from the one encoding (docs/ARCHITECTURE.md "One encoding").</summary>
public static class AudioTime
{
    /// <summary>One Opus packet: the least audio that can be decoded, so the least worth playing.</summary>
    public static readonly TimeSpan Packet = TimeSpan.FromMilliseconds(20);
}
