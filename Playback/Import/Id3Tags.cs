using System.Text;

namespace Spotify.Rx.Playback.Import;

/// <summary>
/// Title and artist of an MP3 (NLayer decodes audio only): ID3v2.3/2.4 text frames TIT2 and TPE1 at the start,
/// else the ID3v1 block at the end.
/// </summary>
internal static class Id3Tags
{
    public static (string? Title, string? Artist) Read(string path)
    {
        using var stream = File.OpenRead(path);
        var header = new byte[10];
        if (stream.Read(header) == 10 && header[0] == 'I' && header[1] == 'D' && header[2] == '3' && header[3] is 3 or 4)
        {
            int size = SyncSafe(header.AsSpan(6));
            var tag = new byte[Math.Min(size, (int)Math.Min(stream.Length - 10, 1 << 20))];
            stream.ReadExactly(tag);
            var v2 = FromV2(tag, header[3]);
            if (v2.Title is not null || v2.Artist is not null) return v2;
        }
        if (stream.Length >= 128)
        {
            var v1 = new byte[128];
            stream.Position = stream.Length - 128;
            stream.ReadExactly(v1);
            if (v1[0] == 'T' && v1[1] == 'A' && v1[2] == 'G')
                return (Latin1(v1.AsSpan(3, 30)), Latin1(v1.AsSpan(33, 30)));
        }
        return (null, null);
    }

    private static (string? Title, string? Artist) FromV2(ReadOnlySpan<byte> tag, int version)
    {
        string? title = null, artist = null;
        int at = 0;
        while (at + 10 <= tag.Length && tag[at] != 0)
        {
            string id = Encoding.ASCII.GetString(tag.Slice(at, 4));
            int size = version == 4 ? SyncSafe(tag[(at + 4)..]) : System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(tag[(at + 4)..]);
            if (size <= 0 || at + 10 + size > tag.Length) break;
            var body = tag.Slice(at + 10, size);
            if (id == "TIT2") title = Text(body);
            else if (id == "TPE1") artist = Text(body);
            at += 10 + size;
        }
        return (title, artist);
    }

    /// <summary>A text frame: one encoding byte, then the string (ID3v2 §4.2).</summary>
    private static string? Text(ReadOnlySpan<byte> body)
    {
        if (body.Length < 2) return null;
        var encoding = body[0] switch
        {
            1 => Encoding.Unicode,            // UTF-16 with a BOM, little-endian unless the BOM says otherwise
            2 => Encoding.BigEndianUnicode,
            3 => Encoding.UTF8,
            _ => Encoding.Latin1,
        };
        var text = body[1..];
        if (body[0] == 1 && text.Length >= 2)
        {
            if (text[0] == 0xFE && text[1] == 0xFF) encoding = Encoding.BigEndianUnicode;
            text = text[2..];
        }
        string value = encoding.GetString(text).TrimEnd('\0').Trim();
        return value.Length == 0 ? null : value;
    }

    private static string? Latin1(ReadOnlySpan<byte> field)
    {
        string value = Encoding.Latin1.GetString(field).TrimEnd('\0', ' ');
        return value.Length == 0 ? null : value;
    }

    private static int SyncSafe(ReadOnlySpan<byte> b) => (b[0] & 0x7F) << 21 | (b[1] & 0x7F) << 14 | (b[2] & 0x7F) << 7 | (b[3] & 0x7F);
}
