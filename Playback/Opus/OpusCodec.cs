using Concentus;
using Concentus.Enums;

namespace Spotify.Rx.Playback.Opus;

/// <summary>
/// Creates Concentus encoders and decoders, always the managed ones: the factory would otherwise bind a native
/// libopus when one is installed (ffmpeg brings one), and the bytes of a generated library must not depend on
/// what else the machine has.
/// </summary>
public static class OpusCodec
{
    static OpusCodec() => OpusCodecFactory.AttemptToUseNativeLibrary = false;

    /// <summary>CELT complexity: 10 is libopus's default; lower trades quality for encoding speed.</summary>
    public const int DefaultComplexity = 10;

    public static IOpusEncoder CreateEncoder(int complexity = DefaultComplexity)
    {
        var encoder = OpusCodecFactory.CreateEncoder(OpusFormat.SampleRate, OpusFormat.Channels, OpusApplication.OPUS_APPLICATION_AUDIO);
        encoder.Bitrate = OpusFormat.Bitrate;
        encoder.UseVBR = false;                 // hard CBR: every 20 ms packet is exactly 400 bytes
        encoder.SignalType = OpusSignal.OPUS_SIGNAL_MUSIC;
        encoder.Complexity = complexity;
        return encoder;
    }

    public static IOpusDecoder CreateDecoder() =>
        OpusCodecFactory.CreateDecoder(OpusFormat.SampleRate, OpusFormat.Channels);
}
