using System.Buffers.Binary;
using System.Text;

namespace Spotify.Rx.Wire.Protocol;

/// <summary>
/// Reads the fields of one payload. Every read says whether the bytes were there, so a
/// malformed payload is a <c>false</c>, never an exception.
/// </summary>
public ref struct WireReader(ReadOnlySpan<byte> payload)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private ReadOnlySpan<byte> _rest = payload;

    public readonly bool AtEnd => _rest.IsEmpty;
    public readonly ReadOnlySpan<byte> Rest => _rest;

    public bool TryByte(out byte value)
    {
        value = 0;
        if (_rest.Length < 1) return false;
        value = _rest[0];
        _rest = _rest[1..];
        return true;
    }

    public bool TryUInt16(out ushort value)
    {
        value = 0;
        if (_rest.Length < 2) return false;
        value = BinaryPrimitives.ReadUInt16BigEndian(_rest);
        _rest = _rest[2..];
        return true;
    }

    public bool TryUInt32(out uint value)
    {
        value = 0;
        if (_rest.Length < 4) return false;
        value = BinaryPrimitives.ReadUInt32BigEndian(_rest);
        _rest = _rest[4..];
        return true;
    }

    /// <summary>A chunk index: a u32 that must fit an int.</summary>
    public bool TryIndex(out int value)
    {
        value = 0;
        if (!TryUInt32(out var raw) || raw > int.MaxValue) return false;
        value = (int)raw;
        return true;
    }

    /// <summary>A u16 length and that many bytes of UTF-8, at most <paramref name="maxBytes"/>.</summary>
    public bool TryString(int maxBytes, out string value)
    {
        value = "";
        if (!TryUInt16(out var length) || length > maxBytes || _rest.Length < length) return false;
        value = StrictUtf8.GetString(_rest[..length]);
        _rest = _rest[length..];
        return true;
    }

    /// <summary>A u8 length and that many bytes, at most <paramref name="maxBytes"/>.</summary>
    public bool TryShortBytes(int maxBytes, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryByte(out var length) || length > maxBytes || _rest.Length < length) return false;
        value = _rest[..length];
        _rest = _rest[length..];
        return true;
    }
}
