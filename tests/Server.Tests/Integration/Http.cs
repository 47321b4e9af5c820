using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Spotify.Rx.Server.Tests.Integration;

public static class Http
{
    /// <summary>The reason a refusal gives: the <c>detail</c> of its problem document.</summary>
    public static async Task<string> ProblemDetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)response.StatusCode, doc.RootElement.GetProperty("status").GetInt32());
        return doc.RootElement.GetProperty("detail").GetString() ?? "";
    }

    /// <summary>
    /// Sends bytes exactly as given, for requests HttpClient would tidy up first (dot segments,
    /// encoded slashes). Returns the status code and the whole response text.
    /// </summary>
    public static async Task<(int Status, string Text)> RawAsync(Uri server, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await stream.CopyToAsync(reader, timeout.Token);
        var text = Encoding.ASCII.GetString(reader.ToArray());
        var status = int.Parse(text.Split(' ', 3)[1]);
        return (status, text);
    }
}
