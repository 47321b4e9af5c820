namespace Spotify.Rx.Wire.Protocol.Messages;

/// <summary>The last frame before a close, when the closing side can still say why.</summary>
public sealed record Goodbye(CloseReason Reason, string Detail) : IWireMessage
{
    public MessageType Type => MessageType.Goodbye;
    public int PayloadLength => 1 + WireWriter.StringLength(Detail);

    public void WritePayload(Span<byte> destination)
    {
        var w = new WireWriter(destination);
        w.Byte((byte)Reason);
        w.String(Detail);
    }

    public static Goodbye? Decode(ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(payload);
        if (!r.TryByte(out var reason) || !Enum.IsDefined((CloseReason)reason)) return null;
        if (!r.TryString(FieldLimits.Detail, out var detail) || !r.AtEnd) return null;
        return new Goodbye((CloseReason)reason, detail);
    }

    /// <summary>Details are for logs; a long one is cut so the frame always fits its limit.</summary>
    public static Goodbye For(CloseReason reason, string detail) =>
        new(reason, detail.Length > FieldLimits.Detail / 4 ? detail[..(FieldLimits.Detail / 4)] : detail);
}
