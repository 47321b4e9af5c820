using System.Buffers;
using System.Text;

namespace Spotify.Rx.Server.Audio;

public enum HeadStatus { Incomplete, Complete, Refused }

/// <summary>
/// A strict, bounded HTTP/1.1 request-head parser for the audio endpoint (RFC 9112): request line and
/// headers together at most <see cref="MaxHeadBytes"/>, CRLF line ends, no folded lines, only GET and
/// HEAD, HTTP/1.1 and 1.0. One instance per connection, reused for every request: the head is decoded
/// once into its own char buffer and every part of it is a span of that buffer, so nothing is allocated.
/// A refusal always means closing the connection, since the request's framing can no longer be trusted.
/// </summary>
public sealed class AudioRequestHead
{
    public const int MaxHeadBytes = 8 * 1024;
    public const int MaxHeaders = 100;

    private readonly byte[] _bytes = new byte[MaxHeadBytes];
    private readonly char[] _chars = new char[MaxHeadBytes];
    private (int Start, int Length) _target, _path, _query, _authorization, _range;

    /// <summary>Bytes the head took, its final empty line included (valid after <see cref="HeadStatus.Complete"/>).</summary>
    public int Consumed { get; private set; }
    public bool IsHead { get; private set; }
    public bool IsHttp10 { get; private set; }
    /// <summary>Whether the connection stays open after the answer: HTTP/1.1 unless <c>Connection: close</c>, HTTP/1.0 only with <c>Connection: keep-alive</c>.</summary>
    public bool KeepAlive { get; private set; }
    public int AuthorizationCount { get; private set; }
    public int RangeCount { get; private set; }

    public int RefusalStatus { get; private set; }
    public string RefusalReason { get; private set; } = "";

    public ReadOnlySpan<char> Target => Span(_target);
    public ReadOnlySpan<char> Path => Span(_path);
    public ReadOnlySpan<char> Query => Span(_query);
    public ReadOnlySpan<char> Authorization => Span(_authorization);
    public ReadOnlySpan<char> Range => Span(_range);

    private ReadOnlySpan<char> Span((int Start, int Length) part) => _chars.AsSpan(part.Start, part.Length);

    /// <summary>Parses the head at the start of <paramref name="buffer"/>, if all of it has arrived.</summary>
    public HeadStatus Parse(ReadOnlySequence<byte> buffer)
    {
        int n = (int)Math.Min(buffer.Length, MaxHeadBytes);
        ReadOnlySpan<byte> bytes;
        if (buffer.FirstSpan.Length >= n) bytes = buffer.FirstSpan[..n];
        else
        {
            buffer.Slice(0, n).CopyTo(_bytes);
            bytes = _bytes.AsSpan(0, n);
        }
        // Latin-1 maps every byte to one char, so char offsets are byte offsets.
        Encoding.Latin1.GetChars(bytes, _chars);
        return ParseChars(n, more: buffer.Length > n);
    }

    private HeadStatus ParseChars(int length, bool more)
    {
        var s = _chars.AsSpan(0, length);
        bool full = length == MaxHeadBytes;
        int pos = 0;
        // RFC 9112 §2.2: empty lines before a request line are ignored.
        while (pos + 1 < s.Length && s[pos] == '\r' && s[pos + 1] == '\n') pos += 2;

        int eol = s[pos..].IndexOf('\n');
        if (eol < 0) return full || more ? Refuse(431, $"the request line and headers must fit in {MaxHeadBytes} bytes") : HeadStatus.Incomplete;
        eol += pos;
        if (eol == pos || s[eol - 1] != '\r') return Refuse(400, "lines must end with CRLF");
        var status = RequestLine(pos, eol - 1);
        if (status != HeadStatus.Complete) return status;

        int hostCount = 0, headers = 0;
        bool close = false, keepAliveAsked = false;
        AuthorizationCount = RangeCount = 0;
        _authorization = _range = default;
        pos = eol + 1;
        while (true)
        {
            int end = s[pos..].IndexOf('\n');
            if (end < 0) return full || more ? Refuse(431, $"the request line and headers must fit in {MaxHeadBytes} bytes") : HeadStatus.Incomplete;
            end += pos;
            if (end == pos || s[end - 1] != '\r') return Refuse(400, "lines must end with CRLF");
            var line = s[pos..(end - 1)];
            int lineStart = pos;
            pos = end + 1;
            if (line.IsEmpty) break;
            if (++headers > MaxHeaders) return Refuse(431, $"at most {MaxHeaders} header lines");
            if (line[0] is ' ' or '\t') return Refuse(400, "folded header lines are not accepted");
            int colon = line.IndexOf(':');
            if (colon <= 0 || !IsToken(line[..colon])) return Refuse(400, "a header line needs a name of token characters followed by ':'");
            var name = line[..colon];
            int valueStart = colon + 1;
            while (valueStart < line.Length && line[valueStart] is ' ' or '\t') valueStart++;
            int valueEnd = line.Length;
            while (valueEnd > valueStart && line[valueEnd - 1] is ' ' or '\t') valueEnd--;
            var value = line[valueStart..valueEnd];
            foreach (var c in value)
                if (c is < ' ' and not '\t' or '\x7f') return Refuse(400, "header values may not hold control characters");
            var part = (lineStart + valueStart, valueEnd - valueStart);

            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) hostCount++;
            else if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) { AuthorizationCount++; _authorization = part; }
            else if (name.Equals("Range", StringComparison.OrdinalIgnoreCase)) { RangeCount++; _range = part; }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var option in value.Split(','))
                {
                    var token = value[option].Trim(" \t");
                    if (token.Equals("close", StringComparison.OrdinalIgnoreCase)) close = true;
                    else if (token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)) keepAliveAsked = true;
                }
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!value.SequenceEqual("0")) return Refuse(400, "GET and HEAD requests carry no body here");
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                return Refuse(400, "GET and HEAD requests carry no body here");
        }
        // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host.
        if (!IsHttp10 && hostCount != 1) return Refuse(400, "an HTTP/1.1 request needs exactly one Host header");
        Consumed = pos;
        KeepAlive = !close && (!IsHttp10 || keepAliveAsked);
        return HeadStatus.Complete;
    }

    private HeadStatus RequestLine(int start, int end)
    {
        var line = _chars.AsSpan(start, end - start);
        int sp1 = line.IndexOf(' ');
        if (sp1 <= 0 || !IsToken(line[..sp1])) return Refuse(400, "the request line must be METHOD SP target SP HTTP-version");
        var method = line[..sp1];
        var rest = line[(sp1 + 1)..];
        int sp2 = rest.IndexOf(' ');
        if (sp2 <= 0) return Refuse(400, "the request line must be METHOD SP target SP HTTP-version");
        var target = rest[..sp2];
        var version = rest[(sp2 + 1)..];

        if (version.SequenceEqual("HTTP/1.1")) IsHttp10 = false;
        else if (version.SequenceEqual("HTTP/1.0")) IsHttp10 = true;
        else if (version.Length == 8 && version.StartsWith("HTTP/") && char.IsAsciiDigit(version[5]) && version[6] == '.' && char.IsAsciiDigit(version[7]))
            return Refuse(505, "only HTTP/1.1 and HTTP/1.0 are spoken here");
        else return Refuse(400, "the request line must be METHOD SP target SP HTTP-version");

        if (target[0] != '/') return Refuse(400, "the request target must be a path starting with /");
        foreach (var c in target)
            if (c is <= ' ' or >= '\x7f') return Refuse(400, "the request target holds a character that is not allowed");

        if (method.SequenceEqual("GET")) IsHead = false;
        else if (method.SequenceEqual("HEAD")) IsHead = true;
        else return Refuse(405, "only GET and HEAD are served here");

        int targetStart = start + sp1 + 1;
        _target = (targetStart, target.Length);
        int q = target.IndexOf('?');
        _path = q < 0 ? _target : (targetStart, q);
        _query = q < 0 ? (targetStart + target.Length, 0) : (targetStart + q + 1, target.Length - q - 1);
        return HeadStatus.Complete;
    }

    private HeadStatus Refuse(int status, string reason)
    {
        RefusalStatus = status;
        RefusalReason = reason;
        KeepAlive = false;
        return HeadStatus.Refused;
    }

    // RFC 9110 §5.6.2 tchar.
    private static bool IsToken(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c))) return false;
        return !text.IsEmpty;
    }
}
