using System.Buffers.Binary;
using System.Text;

namespace Spotify.Rx.Playback.Opus;

/// <summary>The comment header (RFC 7845 §5.2): a vendor string and Vorbis-style <c>NAME=value</c> comments.</summary>
public sealed record OpusTags(string Vendor, IReadOnlyList<KeyValuePair<string, string>> Comments)
{
    private static ReadOnlySpan<byte> Magic => "OpusTags"u8;
    public const string DefaultVendor = "Spotify.Rx (Concentus)";

    public static OpusTags For(string title, string artist) =>
        new(DefaultVendor, [new("TITLE", title), new("ARTIST", artist)]);

    /// <summary>First value of a comment; names compare case-insensitively (Vorbis comment rules).</summary>
    public string? this[string name] =>
        Comments.FirstOrDefault(c => string.Equals(c.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        ms.Write(Magic);
        WriteString(ms, Vendor);
        WriteUInt32(ms, (uint)Comments.Count);
        foreach (var (name, value) in Comments) WriteString(ms, $"{name}={value}");
        return ms.ToArray();
    }

    public static OpusTags Parse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 16 || !packet[..8].SequenceEqual(Magic)) throw new InvalidDataException("second packet is not an OpusTags");
        int at = 8;
        string vendor = ReadString(packet, ref at);
        uint count = ReadUInt32(packet, ref at);
        var comments = new List<KeyValuePair<string, string>>();
        for (uint i = 0; i < count; i++)
        {
            string comment = ReadString(packet, ref at);
            int eq = comment.IndexOf('=');
            if (eq > 0) comments.Add(new(comment[..eq], comment[(eq + 1)..]));
        }
        return new OpusTags(vendor, comments);
    }

    private static void WriteUInt32(Stream s, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        s.Write(b);
    }

    private static void WriteString(Stream s, string v)
    {
        var bytes = Encoding.UTF8.GetBytes(v);
        WriteUInt32(s, (uint)bytes.Length);
        s.Write(bytes);
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> p, ref int at)
    {
        if (at + 4 > p.Length) throw new InvalidDataException("OpusTags is truncated");
        uint v = BinaryPrimitives.ReadUInt32LittleEndian(p[at..]);
        at += 4;
        return v;
    }

    private static string ReadString(ReadOnlySpan<byte> p, ref int at)
    {
        uint length = ReadUInt32(p, ref at);
        if (length > p.Length - at) throw new InvalidDataException("OpusTags string runs past the packet");
        string v = Encoding.UTF8.GetString(p.Slice(at, (int)length));
        at += (int)length;
        return v;
    }
}
