using System.Buffers.Binary;

namespace Spotify.Rx.Playback.Opus;

/// <summary>The identification header (RFC 7845 §5.1), channel mapping family 0 (mono or stereo).</summary>
public sealed record OpusHead(int Channels, int PreSkip, int InputSampleRate, short OutputGain = 0)
{
    public const int Size = 19;
    private static ReadOnlySpan<byte> Magic => "OpusHead"u8;

    public byte[] ToBytes()
    {
        var b = new byte[Size];
        Magic.CopyTo(b);
        b[8] = 1;                                   // version
        b[9] = (byte)Channels;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(10), (ushort)PreSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), (uint)InputSampleRate);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(16), OutputGain);
        b[18] = 0;                                  // mapping family 0: RTP order, no mapping table
        return b;
    }

    public static OpusHead Parse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < Size || !packet[..8].SequenceEqual(Magic)) throw new InvalidDataException("first packet is not an OpusHead");
        // §5.1: a major version other than 0 (upper nibble) is incompatible.
        if ((packet[8] & 0xF0) != 0) throw new InvalidDataException($"unsupported OpusHead version {packet[8]}");
        int channels = packet[9];
        if (channels is < 1 or > 2 || packet[18] != 0) throw new InvalidDataException("only mapping family 0 (mono/stereo) is supported");
        return new OpusHead(channels,
            BinaryPrimitives.ReadUInt16LittleEndian(packet[10..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(packet[12..]),
            BinaryPrimitives.ReadInt16LittleEndian(packet[16..]));
    }
}
