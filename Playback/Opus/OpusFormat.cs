namespace Spotify.Rx.Playback.Opus;

/// <summary>
/// The one encoding (docs/ARCHITECTURE.md "One encoding"): Ogg Opus, 48 kHz stereo, hard CBR 160 kbit/s, 20 ms packets,
/// so every audio packet is exactly 400 bytes. Pages carry <see cref="PacketsPerPage"/> packets (one second):
/// each 400-byte packet takes two lacing values (255 + 145), so a full audio page is 27 + 100 + 20 000 =
/// 20 127 bytes, the seek index has one entry per second, and a page is also the unit a seek starts from.
/// </summary>
public static class OpusFormat
{
    public const int SampleRate = 48_000;
    public const int Channels = 2;
    public const int Bitrate = 160_000;
    public const int FrameSamples = 960;                    // 20 ms at 48 kHz
    public const int PacketBytes = Bitrate / 8 / (SampleRate / FrameSamples); // 400
    public const int PacketsPerPage = 50;
    public const int PageSamples = PacketsPerPage * FrameSamples;
    public const int FullPageBytes = 27 + PacketsPerPage * 2 + PacketsPerPage * PacketBytes;
    /// <summary>Audio bytes per second of playback, page framing included.</summary>
    public const double BytesPerSecond = FullPageBytes * (double)SampleRate / PageSamples;
}
