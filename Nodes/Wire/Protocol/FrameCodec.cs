using System.Buffers;
using System.Buffers.Binary;
using Spotify.Rx.Wire.Protocol.Messages;

namespace Spotify.Rx.Wire.Protocol;

/// <summary>What one attempt to take a frame off the front of the received bytes gave.</summary>
public enum DecodeStatus
{
    /// <summary>Not a whole frame yet: read more (or, at the end of the stream, a truncated frame).</summary>
    NeedMoreData,
    Decoded,
    /// <summary>The bytes can never become a valid frame: close with <see cref="DecodeResult.Reason"/>.</summary>
    Invalid,
}

public readonly record struct DecodeResult(DecodeStatus Status, IWireMessage? Message, CloseReason Reason, string? Detail)
{
    public static readonly DecodeResult NeedMore = new(DecodeStatus.NeedMoreData, null, default, null);
    public static DecodeResult Of(IWireMessage message) => new(DecodeStatus.Decoded, message, default, null);
    public static DecodeResult Fail(CloseReason reason, string detail) => new(DecodeStatus.Invalid, null, reason, detail);
}

/// <summary>
/// Frames: a 4-byte big-endian length, then that many bytes: one type byte and the payload.
/// One table maps the type byte to the message's decoder; the connection loop knows nothing
/// of any message's inside.
/// </summary>
public static class FrameCodec
{
    public const int HeaderLength = 4;
    /// <summary>The largest length prefix accepted: a CHUNK of 16 KiB with room to spare, far below anything absurd.</summary>
    public const int MaxFrameLength = 64 * 1024;

    private delegate IWireMessage? PayloadDecoder(ReadOnlySpan<byte> payload);

    private static readonly PayloadDecoder?[] Decoders = BuildTable();

    private static PayloadDecoder?[] BuildTable()
    {
        var table = new PayloadDecoder?[256];
        table[(byte)MessageType.Hello] = Hello.Decode;
        table[(byte)MessageType.Search] = Search.Decode;
        table[(byte)MessageType.Have] = Have.Decode;
        table[(byte)MessageType.Request] = Request.Decode;
        table[(byte)MessageType.Chunk] = Chunk.Decode;
        table[(byte)MessageType.Cancel] = Cancel.Decode;
        table[(byte)MessageType.Busy] = Busy.Decode;
        table[(byte)MessageType.Missing] = Missing.Decode;
        table[(byte)MessageType.Goodbye] = Goodbye.Decode;
        return table;
    }

    /// <summary>Bytes on the wire for <paramref name="message"/>, header included.</summary>
    public static int FrameLength(IWireMessage message) => HeaderLength + 1 + message.PayloadLength;

    public static void Write(IBufferWriter<byte> writer, IWireMessage message)
    {
        var body = 1 + message.PayloadLength;
        if (body > MaxFrameLength) throw new ArgumentException($"{message.Type} of {body} bytes exceeds the frame limit", nameof(message));
        var span = writer.GetSpan(HeaderLength + body);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)body);
        span[HeaderLength] = (byte)message.Type;
        message.WritePayload(span.Slice(HeaderLength + 1, body - 1));
        writer.Advance(HeaderLength + body);
    }

    public static byte[] Encode(IWireMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(FrameLength(message));
        Write(buffer, message);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Takes one frame off the front of <paramref name="buffer"/> (advancing it past the frame
    /// only when one was decoded). Never throws for any input.
    /// </summary>
    public static DecodeResult TryDecode(ref ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < HeaderLength) return DecodeResult.NeedMore;
        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        // Checked before waiting for the body, so an absurd length costs nothing to refuse.
        if (length == 0) return DecodeResult.Fail(CloseReason.MalformedMessage, "empty frame");
        if (length > MaxFrameLength) return DecodeResult.Fail(CloseReason.FrameTooLarge, $"frame of {length} bytes over the {MaxFrameLength} limit");
        if (buffer.Length < HeaderLength + length) return DecodeResult.NeedMore;

        var body = buffer.Slice(HeaderLength, length);
        var type = body.FirstSpan[0];
        var decoder = Decoders[type];
        if (decoder is null) return DecodeResult.Fail(CloseReason.UnknownMessageType, $"unknown message type 0x{type:x2}");

        var payload = body.Slice(1);
        IWireMessage? message;
        if (payload.IsSingleSegment)
        {
            message = decoder(payload.FirstSpan);
        }
        else
        {
            var rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
            try
            {
                payload.CopyTo(rented);
                message = decoder(rented.AsSpan(0, (int)payload.Length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        if (message is null) return DecodeResult.Fail(CloseReason.MalformedMessage, $"malformed {(MessageType)type} payload of {payload.Length} bytes");
        buffer = buffer.Slice(HeaderLength + length);
        return DecodeResult.Of(message);
    }
}
