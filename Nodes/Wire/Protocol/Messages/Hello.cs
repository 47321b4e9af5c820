namespace Spotify.Rx.Wire.Protocol.Messages;

/// <summary>
/// First frame each way. Carries the protocol version, the sender's token (its peer id is
/// the sender's identity) and the port it listens on, so neighbours can name it in HAVE.
/// </summary>
public sealed record Hello(byte Version, string Token, ushort ListenPort) : IWireMessage
{
    public const byte CurrentVersion = 1;

    public MessageType Type => MessageType.Hello;
    public int PayloadLength => 1 + WireWriter.StringLength(Token) + 2;

    public void WritePayload(Span<byte> destination)
    {
        var w = new WireWriter(destination);
        w.Byte(Version);
        w.String(Token);
        w.UInt16(ListenPort);
    }

    public static Hello? Decode(ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(payload);
        if (!r.TryByte(out var version)) return null;
        // A future version may lay out the rest differently: keep the version so the close names it.
        if (version != CurrentVersion) return new Hello(version, "", 0);
        if (!r.TryString(FieldLimits.Token, out var token) || !r.TryUInt16(out var port) || !r.AtEnd) return null;
        return new Hello(version, token, port);
    }
}
