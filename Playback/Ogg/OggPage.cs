using System.Buffers.Binary;

namespace Spotify.Rx.Playback.Ogg;

/// <summary>Header type flags of an Ogg page (RFC 3533 §6, byte 5).</summary>
[Flags]
public enum OggHeaderType : byte
{
    None = 0,
    /// <summary>The first packet piece on this page continues a packet from the previous page.</summary>
    Continued = 1,
    BeginningOfStream = 2,
    EndOfStream = 4,
}

/// <summary>
/// One parsed Ogg page (RFC 3533 §6). <see cref="Data"/> is the whole page as it sits in the file, so a page
/// read from any byte source can be checked, stored or forwarded unchanged.
/// </summary>
public sealed class OggPage
{
    public const int HeaderSize = 27;
    public const int MaxSegments = 255;
    public const int MaxPageSize = HeaderSize + MaxSegments + MaxSegments * 255;
    private static ReadOnlySpan<byte> CapturePattern => "OggS"u8;

    public OggHeaderType HeaderType { get; }
    public long Granule { get; }
    public uint Serial { get; }
    public uint Sequence { get; }
    /// <summary>The whole page: header, segment table and body.</summary>
    public ReadOnlyMemory<byte> Data { get; }
    /// <summary>Packet pieces in page order; a piece is complete unless it is the last one and <see cref="LastPacketContinues"/>.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Pieces { get; }
    /// <summary>The last piece is continued on the next page (its last lacing value is 255).</summary>
    public bool LastPacketContinues { get; }

    public int Length => Data.Length;
    public bool IsContinued => HeaderType.HasFlag(OggHeaderType.Continued);
    public bool IsEndOfStream => HeaderType.HasFlag(OggHeaderType.EndOfStream);
    /// <summary>Number of packets that end on this page (RFC 3533: the granule refers to the last of them).</summary>
    public int CompletedPackets => Pieces.Count - (LastPacketContinues ? 1 : 0);

    private OggPage(OggHeaderType type, long granule, uint serial, uint sequence, ReadOnlyMemory<byte> data,
        IReadOnlyList<ReadOnlyMemory<byte>> pieces, bool lastContinues)
    {
        HeaderType = type; Granule = granule; Serial = serial; Sequence = sequence; Data = data;
        Pieces = pieces; LastPacketContinues = lastContinues;
    }

    /// <summary>
    /// Length of the page that starts at <paramref name="buffer"/>[0], or 0 when more bytes are needed to know.
    /// Throws <see cref="InvalidDataException"/> when the bytes cannot be the start of a page.
    /// </summary>
    public static int PeekLength(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length < HeaderSize) return 0;
        CheckFixedHeader(buffer);
        int segments = buffer[26];
        if (buffer.Length < HeaderSize + segments) return 0;
        int body = 0;
        foreach (byte lace in buffer.Slice(HeaderSize, segments)) body += lace;
        return HeaderSize + segments + body;
    }

    private static void CheckFixedHeader(ReadOnlySpan<byte> buffer)
    {
        if (!buffer[..4].SequenceEqual(CapturePattern)) throw new InvalidDataException("no Ogg capture pattern at page start");
        if (buffer[4] != 0) throw new InvalidDataException($"unsupported Ogg stream structure version {buffer[4]}");
    }

    /// <summary>
    /// Parses the page at the start of <paramref name="buffer"/>; null when the buffer holds only part of it.
    /// The page keeps a reference to <paramref name="buffer"/>: pass memory that will not be reused.
    /// </summary>
    public static OggPage? TryParse(ReadOnlyMemory<byte> buffer)
    {
        var span = buffer.Span;
        int length = PeekLength(span);
        if (length == 0 || span.Length < length) return null;
        var data = buffer[..length];
        span = data.Span;

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(22, 4));
        uint crc = OggCrc.Update(0, span[..22]);
        crc = OggCrc.Update(crc, [0, 0, 0, 0]);
        crc = OggCrc.Update(crc, span[26..]);
        if (crc != stored) throw new InvalidDataException($"Ogg page checksum mismatch (stored {stored:x8}, computed {crc:x8})");

        var type = (OggHeaderType)span[5];
        long granule = BinaryPrimitives.ReadInt64LittleEndian(span.Slice(6, 8));
        uint serial = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(14, 4));
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(18, 4));
        int segments = span[26];

        var pieces = new List<ReadOnlyMemory<byte>>();
        int bodyStart = HeaderSize + segments, pieceStart = bodyStart, position = bodyStart;
        bool open = false;
        for (int i = 0; i < segments; i++)
        {
            byte lace = span[HeaderSize + i];
            position += lace;
            open = lace == 255;
            if (!open)
            {
                pieces.Add(data[pieceStart..position]);
                pieceStart = position;
            }
        }
        if (open) pieces.Add(data[pieceStart..position]);
        return new OggPage(type, granule, serial, sequence, data, pieces, open);
    }

    /// <summary>
    /// Builds one page holding <paramref name="packets"/> whole (none continues onto another page), with its
    /// checksum. Each packet takes ceil((n + 1) / 255) lacing values, at most 255 in all.
    /// </summary>
    public static byte[] Build(OggHeaderType type, long granule, uint serial, uint sequence, IReadOnlyList<ReadOnlyMemory<byte>> packets)
    {
        int segments = 0, body = 0;
        foreach (var p in packets) { segments += p.Length / 255 + 1; body += p.Length; }
        if (segments > MaxSegments) throw new ArgumentException($"{packets.Count} packets need {segments} lacing values; a page holds {MaxSegments}", nameof(packets));

        var page = new byte[HeaderSize + segments + body];
        var span = page.AsSpan();
        CapturePattern.CopyTo(span);
        span[4] = 0;
        span[5] = (byte)type;
        BinaryPrimitives.WriteInt64LittleEndian(span.Slice(6, 8), granule);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(14, 4), serial);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(18, 4), sequence);
        span[26] = (byte)segments;
        int lace = HeaderSize, position = HeaderSize + segments;
        foreach (var p in packets)
        {
            // RFC 3533 §5: a packet of n bytes is n / 255 values of 255 then one of n % 255 (0 ends an exact multiple).
            for (int k = 0; k < p.Length / 255; k++) span[lace++] = 255;
            span[lace++] = (byte)(p.Length % 255);
            p.Span.CopyTo(span[position..]);
            position += p.Length;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(22, 4), OggCrc.Compute(span));
        return page;
    }
}
