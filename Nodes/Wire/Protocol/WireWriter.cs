using System.Buffers.Binary;
using System.Text;

namespace Spotify.Rx.Wire.Protocol;

/// <summary>Writes payload fields in the order <see cref="WireReader"/> reads them.</summary>
public ref struct WireWriter(Span<byte> destination)
{
    private Span<byte> _rest = destination;

    public static int StringLength(string value) => 2 + Encoding.UTF8.GetByteCount(value);

    public void Byte(byte value)
    {
        _rest[0] = value;
        _rest = _rest[1..];
    }

    public void UInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_rest, value);
        _rest = _rest[2..];
    }

    public void UInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_rest, value);
        _rest = _rest[4..];
    }

    public void String(string value)
    {
        var length = Encoding.UTF8.GetBytes(value, _rest[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(_rest, checked((ushort)length));
        _rest = _rest[(2 + length)..];
    }

    public void ShortBytes(ReadOnlySpan<byte> value)
    {
        _rest[0] = checked((byte)value.Length);
        value.CopyTo(_rest[1..]);
        _rest = _rest[(1 + value.Length)..];
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_rest);
        _rest = _rest[value.Length..];
    }
}
