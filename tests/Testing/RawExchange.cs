using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Spotify.Rx.Testing;

/// <summary>How a random body is framed: always complete, so a node never waits for bytes that will not come.</summary>
public enum BodyFraming { ContentLength, Chunked, OverflowingChunkSize }

/// <summary>
/// One request sent as raw bytes on a fresh connection, for the property tests that throw odd bytes at
/// the HTTP doors. (The sending side stays open: Kestrel takes a half-close for the client leaving and
/// drops the answer.)
/// </summary>
public static class RawExchange
{
    /// <summary>A request head with one header line of the given bytes (any bytes, CR and LF included) and a body.</summary>
    public static byte[] Request(string method, string path, string? token, byte[] headerBytes, byte[] body, BodyFraming framing)
    {
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (token is not null) head.Append($"Authorization: Bearer {token}\r\n");
        head.Append("Content-Type: application/json\r\n");
        head.Append(framing == BodyFraming.ContentLength ? $"Content-Length: {body.Length}\r\n" : "Transfer-Encoding: chunked\r\n");
        head.Append("Connection: close\r\nX-Probe: ");
        byte[] framed = framing switch
        {
            BodyFraming.ContentLength => body,
            BodyFraming.Chunked => [.. Encoding.ASCII.GetBytes($"{body.Length:X}\r\n"), .. body, .. "\r\n0\r\n\r\n"u8],
            // A size of 17 to 24 hex digits cannot fit in a long: the parse must fail, not wait for the bytes.
            _ => [.. Encoding.ASCII.GetBytes("F" + string.Concat(body.Take(23).Select(b => "0123456789ABCDEF"[b % 16])).PadRight(17, '0') + "\r\n"), .. body, .. "\r\n0\r\n\r\n"u8],
        };
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. headerBytes, .. "\r\n\r\n"u8, .. framed];
    }

    /// <summary>The status of the answer, or null when the node closed the connection without one.</summary>
    public static async Task<int?> StatusAsync(int port, byte[] request, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
        var received = new List<byte>();
        try
        {
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
            var buffer = new byte[4096];
            while (received.IndexOf((byte)'\n') < 0)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (n == 0) break;
                received.AddRange(buffer.AsSpan(0, n));
            }
        }
        catch (SocketException)
        {
            // Reset by the node: a closed connection, which is an answer too.
        }
        if (received.Count == 0) return null;
        var statusLine = Encoding.Latin1.GetString([.. received]).Split('\n')[0];
        var parts = statusLine.Split(' ');
        return parts.Length >= 2 && int.TryParse(parts[1], out var status)
            ? status
            : throw new InvalidOperationException($"not an HTTP status line: '{statusLine.Trim()}'");
    }
}
