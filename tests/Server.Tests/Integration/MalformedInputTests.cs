using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>
/// Input that used to end in a 500 or in the two audio front ends answering differently: each is a
/// 4xx with a reason now, and the server logs no error for any of it.
/// </summary>
[Collection(ServerCollection.Name)]
public class MalformedInputTests(ServerFixture server)
{
    private const string Audio = "/tracks/aurora-1/audio";
    private const string TokenBody = "{\"user\":\"alice\",\"password\":\"wonderland\",\"peerId\":\"p\"}";

    [Theory]
    [InlineData("application/json; charset=bogus")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=utf8")]
    [InlineData("application/json; charset=\"\"x")]
    public async Task A_token_request_in_a_charset_other_than_utf8_is_refused_with_415(string contentType)
    {
        var (status, text) = await Http.RawAsync(server.BaseAddress,
            $"POST /auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {contentType}\r\nContent-Length: {TokenBody.Length}\r\nConnection: close\r\n\r\n{TokenBody}");

        Assert.Equal(415, status);
        Assert.Contains("UTF-8", text);
        server.Errors.AssertEmpty("the server");
    }

    [Fact]
    public async Task A_token_request_in_utf8_spelled_either_way_is_served()
    {
        using var http = server.Client();
        foreach (var charset in new[] { "utf-8", "UTF-8", "\"utf-8\"" })
        {
            var content = new StringContent(TokenBody, Encoding.UTF8);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse($"application/json; charset={charset}");
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/auth/token", content)).StatusCode);
        }
    }

    [Theory]
    [InlineData("FFFFFFFFFFFFFFFFFFFF")]
    [InlineData("7FFFFFFFFFFFFFFF")]
    [InlineData("zz")]
    public async Task A_chunked_token_request_with_a_broken_chunk_size_is_refused_with_400(string size)
    {
        var (status, text) = await Http.RawAsync(server.BaseAddress,
            $"POST /auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{size}\r\n{{\"user\":\r\n0\r\n\r\n");

        Assert.InRange(status, 400, 413);
        Assert.Contains("chunk", text, StringComparison.OrdinalIgnoreCase);
        server.Errors.AssertEmpty("the server");
    }

    [Theory]
    [InlineData("X-Note: a\u0001b")]
    [InlineData("X-Note: a\u001bb")]
    [InlineData("X-Note: a\u007fb")]
    [InlineData("User-Agent: probe\u0008")]
    public async Task A_header_holding_a_control_character_is_refused_with_400_at_both_front_ends(string header)
    {
        foreach (var door in new[] { server.BaseAddress, server.AudioAddress })
        {
            await using var raw = await RawHttp.ConnectAsync(door);
            await raw.SendAsync(RawHttp.Get(Audio, server.Token, "bytes=0-99", header + "\r\n"));
            var response = await raw.ReadResponseAsync();
            Assert.Equal(400, response.Status);
            Assert.Contains("control character", response.Text);
        }
        using var http = server.Client();
        var (status, _) = await Http.RawAsync(server.BaseAddress, $"GET /tracks HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\nConnection: close\r\n\r\n");
        Assert.Equal(400, status);
        server.Errors.AssertEmpty("the server");
    }

    [Fact]
    public async Task Tab_and_visible_characters_in_a_header_are_served()
    {
        await using var raw = await RawHttp.ConnectAsync(server.BaseAddress);
        await raw.SendAsync(RawHttp.Get(Audio, server.Token, "bytes=0-99", "X-Note: a\tb ~\r\n"));
        Assert.Equal(206, (await raw.ReadResponseAsync()).Status);
    }

    /// <summary>One behaviour for odd but possible requests, whichever front end takes them.</summary>
    [Theory]
    [InlineData(Audio, "bytes=0-99\u00a0", 400)]
    [InlineData(Audio, "\u00a0bytes=0-99", 400)]
    [InlineData(Audio, "bytes=0-99\t", 206)]
    [InlineData(Audio + "?from=%31", null, 206)]
    [InlineData(Audio + "?from=%31&seconds=%35", null, 206)]
    [InlineData(Audio + "?FROM=1", null, 206)]
    [InlineData(Audio + "?fr%6Fm=1", null, 206)]
    [InlineData(Audio + "?from=1+", null, 400)]
    [InlineData(Audio + "?from=%zz", null, 400)]
    [InlineData("/tracks/aurora%2D1/audio", null, 200)]
    [InlineData("/tracks/aurora%2d1/audio", "bytes=0-9", 206)]
    public async Task Both_audio_front_ends_answer_alike(string path, string? range, int status)
    {
        await using var kestrel = await RawHttp.ConnectAsync(server.BaseAddress);
        await using var sendfile = await RawHttp.ConnectAsync(server.AudioAddress);
        await kestrel.SendAsync(RawHttp.Get(path, server.Token, range));
        await sendfile.SendAsync(RawHttp.Get(path, server.Token, range));
        var route = await kestrel.ReadResponseAsync();
        var zeroCopy = await sendfile.ReadResponseAsync();

        Assert.Equal(status, route.Status);
        Assert.Equal(status, zeroCopy.Status);
        Assert.Equal(route.Header("Content-Range"), zeroCopy.Header("Content-Range"));
        if (status < 300) Assert.Equal(route.Body, zeroCopy.Body);
        server.Errors.AssertEmpty("the server");
    }
}
