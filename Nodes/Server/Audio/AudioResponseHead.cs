using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Spotify.Rx.Server.Audio;

/// <summary>
/// Writes response heads (and problem bodies) of the audio endpoint as bytes into a buffer the
/// connection owns: status lines and header names are preformatted UTF-8 literals, numbers are
/// formatted in place, the <c>Date</c> line is shared and renewed once a second.
/// </summary>
public ref struct AudioResponseHead(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;
    private int _length;

    public readonly int Length => _length;

    public static ReadOnlySpan<byte> StatusLine(int status) => status switch
    {
        200 => "HTTP/1.1 200 OK\r\n"u8,
        206 => "HTTP/1.1 206 Partial Content\r\n"u8,
        400 => "HTTP/1.1 400 Bad Request\r\n"u8,
        401 => "HTTP/1.1 401 Unauthorized\r\n"u8,
        404 => "HTTP/1.1 404 Not Found\r\n"u8,
        405 => "HTTP/1.1 405 Method Not Allowed\r\n"u8,
        410 => "HTTP/1.1 410 Gone\r\n"u8,
        416 => "HTTP/1.1 416 Range Not Satisfiable\r\n"u8,
        431 => "HTTP/1.1 431 Request Header Fields Too Large\r\n"u8,
        505 => "HTTP/1.1 505 HTTP Version Not Supported\r\n"u8,
        _ => "HTTP/1.1 500 Internal Server Error\r\n"u8,
    };

    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[_length..]);
        _length += bytes.Length;
    }

    public void Append(long value)
    {
        if (!Utf8Formatter.TryFormat(value, _buffer[_length..], out int written)) throw new InvalidOperationException("response head buffer too small");
        _length += written;
    }

    public void AppendAscii(string text) => _length += Encoding.ASCII.GetBytes(text, _buffer[_length..]);

    /// <summary>Status line, <c>Date</c>, and <c>Connection</c> when it is not the version's default.</summary>
    public void Start(int status, bool keepAlive, bool http10)
    {
        Append(StatusLine(status));
        Append(HttpDate.Line);
        if (!keepAlive) Append("Connection: close\r\n"u8);
        else if (http10) Append("Connection: keep-alive\r\n"u8);
    }

    public void End() => Append("\r\n"u8);

    /// <summary>An RFC 9457 problem document, the same fields the Kestrel route's have (minus its trace id).</summary>
    public static void ProblemBody(IBufferWriter<byte> into, int status, string title, string detail)
    {
        using var json = new Utf8JsonWriter(into);
        json.WriteStartObject();
        json.WriteString("type", status switch
        {
            400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
            404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
            405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
            410 => "https://tools.ietf.org/html/rfc9110#section-15.5.11",
            416 => "https://tools.ietf.org/html/rfc9110#section-15.5.17",
            431 => "https://tools.ietf.org/html/rfc6585#section-5",
            _ => "about:blank",
        });
        json.WriteString("title", title);
        json.WriteNumber("status", status);
        json.WriteString("detail", detail);
        json.WriteEndObject();
    }
}

/// <summary>The <c>Date</c> header line (RFC 9110 §6.6.1), formatted once per second for every connection.</summary>
internal static class HttpDate
{
    private sealed record Stamp(long Second, byte[] Line);

    private static volatile Stamp _current = Make(DateTimeOffset.UtcNow);

    public static ReadOnlySpan<byte> Line
    {
        get
        {
            var now = DateTimeOffset.UtcNow;
            var stamp = _current;
            if (stamp.Second != now.ToUnixTimeSeconds()) _current = stamp = Make(now);
            return stamp.Line;
        }
    }

    private static Stamp Make(DateTimeOffset now)
    {
        Span<byte> value = stackalloc byte[32];
        Utf8Formatter.TryFormat(now, value, out int n, new StandardFormat('R'));
        return new Stamp(now.ToUnixTimeSeconds(), [.. "Date: "u8, .. value[..n], .. "\r\n"u8]);
    }
}
