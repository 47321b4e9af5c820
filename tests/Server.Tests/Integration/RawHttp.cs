using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>One response as it came over the wire.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// A raw TCP connection speaking HTTP/1.1 by hand: for the protocol's edge cases (pipelining, bad
/// request lines, oversized heads, half-read responses) that HttpClient would never send or would hide.
/// Every read has a deadline, so a server that fails to answer fails the test instead of hanging it.
/// </summary>
public sealed class RawHttp : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly TcpClient _tcp = new() { NoDelay = true };
    private NetworkStream _stream = null!;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;

    public Socket Socket => _tcp.Client;

    public static async Task<RawHttp> ConnectAsync(Uri server)
    {
        var raw = new RawHttp();
        using var timeout = new CancellationTokenSource(Deadline);
        await raw._tcp.ConnectAsync(IPAddress.Loopback, server.Port, timeout.Token);
        raw._stream = raw._tcp.GetStream();
        return raw;
    }

    public static string Get(string path, string? token, string? range = null, string extra = "") =>
        $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + (token is null ? "" : $"Authorization: Bearer {token}\r\n")
        + (range is null ? "" : $"Range: {range}\r\n")
        + extra + "\r\n";

    public async Task SendAsync(string request)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        await _stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
    }

    /// <summary>Reads one response: head, then exactly Content-Length body bytes (none for a HEAD).</summary>
    public async Task<RawResponse> ReadResponseAsync(bool head = false)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        int headEnd;
        while ((headEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
            if (!await FillAsync(timeout.Token)) throw new EndOfStreamException("connection closed before a response head");
        var lines = Encoding.Latin1.GetString(_buffer, _start, headEnd).Split("\r\n");
        _start += headEnd + 4;
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            headers.Add(line[..colon], line[(colon + 1)..].Trim());
        }
        if (head) return new RawResponse(status, headers, []);
        if (headers.GetValueOrDefault("Transfer-Encoding") == "chunked")
        {
            // Kestrel's problem documents come chunked: size line, data, CRLF, until a zero size.
            var body = new List<byte>();
            while (true)
            {
                var size = Convert.ToInt32(Encoding.ASCII.GetString(await ReadExactlyAsync(await LineLengthAsync(timeout.Token), timeout.Token)).Trim(), 16);
                await ReadExactlyAsync(2, timeout.Token);
                if (size == 0) return new RawResponse(status, headers, [.. body]);
                body.AddRange(await ReadExactlyAsync(size, timeout.Token));
                await ReadExactlyAsync(2, timeout.Token);
            }
        }
        return new RawResponse(status, headers, await ReadExactlyAsync(int.Parse(headers.GetValueOrDefault("Content-Length", "0")), timeout.Token));
    }

    private async Task<int> LineLengthAsync(CancellationToken ct)
    {
        int end;
        while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            if (!await FillAsync(ct)) throw new EndOfStreamException("connection closed inside a chunk size line");
        return end;
    }

    private async Task<byte[]> ReadExactlyAsync(int length, CancellationToken ct)
    {
        var bytes = new byte[length];
        int got = 0;
        while (got < length)
        {
            if (_start == _end && !await FillAsync(ct)) throw new EndOfStreamException($"connection closed after {got} of {length} body bytes");
            int n = Math.Min(length - got, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(bytes.AsSpan(got));
            got += n;
            _start += n;
        }
        return bytes;
    }

    /// <summary>True when the server closes the connection (end of stream or reset) with nothing more sent.</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        if (_start != _end) return false;
        try
        {
            return !await FillAsync(timeout.Token);
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        int n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct);
        _end += n;
        return n > 0;
    }

    public async Task ReadSomeAsync(int bytes)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        while (_end - _start < bytes)
            if (!await FillAsync(timeout.Token)) throw new EndOfStreamException();
    }

    /// <summary>Drops the connection with a reset, as a client that crashes would.</summary>
    public void Abort()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
