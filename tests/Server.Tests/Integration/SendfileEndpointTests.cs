using Microsoft.Extensions.Time.Testing;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Common.Contracts;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>
/// The sendfile audio endpoint (<c>Server:AudioUrl</c>) against the real server: the same refusals as
/// the Kestrel route, HTTP/1.1 keep-alive and pipelining, and every malformed request costing only its
/// own connection. The bytes it serves are checked with the Kestrel route's by <see cref="AudioContract"/>.
/// </summary>
[Collection(ServerCollection.Name)]
public class SendfileEndpointTests(ServerFixture server)
{
    private const string Track = "aurora-1";
    private const string Audio = "/tracks/aurora-1/audio";

    [Fact]
    public async Task The_token_response_names_the_sendfile_endpoint()
    {
        using var http = server.Client();
        var response = await http.PostAsJsonAsync("/auth/token", new TokenRequest(ServerFixture.User, ServerFixture.Password, "peer-9"));
        var issued = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.Equal(server.AudioAddress, new Uri(issued.AudioUrl!));
    }

    [Fact]
    public async Task A_reader_slower_than_the_socket_still_gets_every_byte_in_order()
    {
        var file = server.AudioFile(Track);
        await using var raw = await RawHttp.ConnectAsync(server.AudioAddress);
        // Eight whole tracks asked at once (about 6.5 MB) outrun what a loopback socket buffers (about
        // 3.5 MB here), so later answers stop on a full socket and finish once the reader drained it.
        await raw.SendAsync(string.Concat(Enumerable.Range(0, 8).Select(i => RawHttp.Get(Audio, server.Token, $"bytes={i}-"))));
        for (int i = 0; i < 8; i++)
            Assert.Equal(file[i..], (await raw.ReadResponseAsync()).Body);
    }

    /// <summary>Every request here goes to both front ends; status, reason and Content-Range must agree.</summary>
    [Theory]
    [InlineData(Audio, "bytes=abc")]
    [InlineData(Audio, "bytes=10-5")]
    [InlineData(Audio, "lines=0-10")]
    [InlineData(Audio, "bytes=0-9,20-29")]
    [InlineData(Audio, "bytes=99999999-")]
    [InlineData(Audio, "bytes=-0")]
    [InlineData(Audio + "?from=abc", null)]
    [InlineData(Audio + "?from=-1", null)]
    [InlineData(Audio + "?from=1e3", null)]
    [InlineData(Audio + "?seconds=15", null)]
    [InlineData(Audio + "?from=0&seconds=0", null)]
    [InlineData(Audio + "?from=0&seconds=100000", null)]
    [InlineData(Audio + "?from=1&from=2", null)]
    [InlineData(Audio + "?from=40", null)]
    [InlineData(Audio + "?from=0", "bytes=0-10")]
    [InlineData("/tracks/no-such-track/audio", null)]
    [InlineData("/tracks/AURORA-1/audio", null)]
    [InlineData("/tracks/aurora-1.opus/audio", null)]
    [InlineData("/tracks/..%2Fcirrus-3/audio", null)]
    public async Task A_refusal_is_the_same_as_the_kestrel_routes(string path, string? range)
    {
        await using var kestrel = await RawHttp.ConnectAsync(server.BaseAddress);
        await using var sendfile = await RawHttp.ConnectAsync(server.AudioAddress);
        await kestrel.SendAsync(RawHttp.Get(path, server.Token, range));
        await sendfile.SendAsync(RawHttp.Get(path, server.Token, range));
        var expected = await kestrel.ReadResponseAsync();
        var actual = await sendfile.ReadResponseAsync();

        Assert.InRange(actual.Status, 400, 416);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal("application/problem+json", actual.Header("Content-Type"));
        Assert.Equal(Detail(expected), Detail(actual));
        Assert.Equal(expected.Header("Content-Range"), actual.Header("Content-Range"));
        // A refusal of what was asked is an answer, not a broken connection: the next request is served.
        await sendfile.SendAsync(RawHttp.Get(Audio, server.Token, "bytes=0-99"));
        Assert.Equal(206, (await sendfile.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task A_missing_expired_tampered_or_foreign_token_gets_401_with_the_reason_and_a_challenge()
    {
        var expired = new TokenIssuer(SigningKey.LoadOrCreate(server.KeyFile), new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2)))
            .Issue(ServerFixture.User, "p", TimeSpan.FromHours(1));
        var parts = server.Token.Split('.');
        var tampered = $"{parts[0]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]).Replace(ServerFixture.User, "admin"))}.{parts[2]}";
        var foreign = new TokenIssuer(SigningKey.CreateEphemeral(), TimeProvider.System).Issue(ServerFixture.User, "p", TimeSpan.FromHours(1));

        await using var raw = await RawHttp.ConnectAsync(server.AudioAddress);
        foreach (var (token, reason) in new[]
        {
            ((string?)null, "no bearer token"),
            (expired, "token expired"),
            (tampered, "token signature invalid"),
            (foreign, "token signed by an unknown key"),
            ("abc.def.ghi", "token malformed"),
        })
        {
            await raw.SendAsync(RawHttp.Get(Audio, token, "bytes=0-99"));
            var response = await raw.ReadResponseAsync();
            Assert.Equal(401, response.Status);
            Assert.Equal(reason, Detail(response));
            Assert.StartsWith("Bearer error=\"invalid_token\"", response.Header("WWW-Authenticate"));
        }
        await raw.SendAsync(RawHttp.Get(Audio, server.Token, "bytes=0-99"));
        Assert.Equal(206, (await raw.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task One_connection_carries_forty_requests_including_refusals()
    {
        int connections = 0;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var file = server.AudioFile(Track);
        using var http = server.AudioClient(handler: handler);
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 10; i++)
        {
            foreach (var request in new[]
            {
                AudioTests.Get(Audio, $"bytes={i * 16384}-{i * 16384 + 16383}"),
                AudioTests.Get($"{Audio}?from={i}&seconds=15"),
                AudioTests.Get(Audio, "bytes=99999999-"),
                AudioTests.Get("/tracks/no-such-track/audio"),
            })
            {
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                Assert.False(response.Headers.ConnectionClose ?? false);
                if (response.Content.Headers.ContentRange is { From: { } from, To: { } to, HasLength: true })
                    Assert.Equal(file[(int)from..(int)(to + 1)], body);
                statuses.Add(response.StatusCode);
            }
        }
        Assert.Equal(1, connections);
        Assert.Equal(40, statuses.Count);
        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.PartialContent));
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.RequestedRangeNotSatisfiable));
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order()
    {
        var file = server.AudioFile(Track);
        await using var raw = await RawHttp.ConnectAsync(server.AudioAddress);
        // All in one write, so the server finds several heads in one read.
        await raw.SendAsync(
            RawHttp.Get(Audio, server.Token, "bytes=0-99")
            + RawHttp.Get(Audio, server.Token, "bytes=99999999-")
            + RawHttp.Get(Audio, server.Token, "bytes=200000-299999")
            + RawHttp.Get("/tracks/no-such-track/audio", server.Token)
            + RawHttp.Get(Audio, server.Token, "bytes=-10"));

        var first = await raw.ReadResponseAsync();
        Assert.Equal(206, first.Status);
        Assert.Equal(file[..100], first.Body);
        Assert.Equal(416, (await raw.ReadResponseAsync()).Status);
        var third = await raw.ReadResponseAsync();
        Assert.Equal(file[200000..300000], third.Body);
        Assert.Equal(404, (await raw.ReadResponseAsync()).Status);
        Assert.Equal(file[^10..], (await raw.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task A_head_request_gets_the_headers_of_the_part_and_no_body()
    {
        await using var raw = await RawHttp.ConnectAsync(server.AudioAddress);
        await raw.SendAsync(RawHttp.Get(Audio, server.Token, "bytes=0-999").Replace("GET ", "HEAD "));
        var head = await raw.ReadResponseAsync(head: true);
        Assert.Equal(206, head.Status);
        Assert.Equal("1000", head.Header("Content-Length"));
        Assert.Equal("bytes 0-999/" + server.AudioFile(Track).Length, head.Header("Content-Range"));
        // Had a body followed the head, this response would be read from the middle of it.
        await raw.SendAsync(RawHttp.Get(Audio, server.Token, "bytes=0-9"));
        var next = await raw.ReadResponseAsync();
        Assert.Equal(206, next.Status);
        Assert.Equal(server.AudioFile(Track)[..10], next.Body);
    }

    [Fact]
    public async Task Connection_close_is_honoured_after_the_answer()
    {
        await using var raw = await RawHttp.ConnectAsync(server.AudioAddress);
        await raw.SendAsync(RawHttp.Get(Audio, server.Token, "bytes=0-99", "Connection: close\r\n"));
        var response = await raw.ReadResponseAsync();
        Assert.Equal(206, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await raw.ClosedByServerAsync());
    }

    [Fact]
    public async Task Http_1_0_closes_after_the_answer_unless_keep_alive_is_asked()
    {
        var request10 = $"GET {Audio} HTTP/1.0\r\nAuthorization: Bearer {server.Token}\r\nRange: bytes=0-99\r\n";
        await using (var raw = await RawHttp.ConnectAsync(server.AudioAddress))
        {
            await raw.SendAsync(request10 + "\r\n");
            Assert.Equal(206, (await raw.ReadResponseAsync()).Status);
            Assert.True(await raw.ClosedByServerAsync());
        }
        await using (var raw = await RawHttp.ConnectAsync(server.AudioAddress))
        {
            await raw.SendAsync(request10 + "Connection: keep-alive\r\n\r\n");
            var first = await raw.ReadResponseAsync();
            Assert.Equal("keep-alive", first.Header("Connection"));
            await raw.SendAsync(request10 + "Connection: keep-alive\r\n\r\n");
            Assert.Equal(206, (await raw.ReadResponseAsync()).Status);
        }
    }

    public static TheoryData<string, int> BrokenRequests => new()
    {
        { "GARBAGE\r\n\r\n", 400 },
        { "GET\r\n\r\n", 400 },
        { "GET /tracks/aurora-1/audio\r\n\r\n", 400 },
        { "GET /tracks/aurora-1/audio HTTP/1.1\nHost: x\n\n", 400 },
        { "GET tracks/aurora-1/audio HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
        { "GET /tracks/aurora-1/audio HTTP/1.1\r\n\r\n", 400 },
        { "GET /tracks/aurora-1/audio HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400 },
        { "GET /tracks/aurora-1/audio HTTP/1.1\r\nHost: x\r\nNo Colon Here\r\n\r\n", 400 },
        { "GET /tracks/aurora-1/audio HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 400 },
        { "GET /tracks/aurora-1/audio HTTP/2.0\r\nHost: x\r\n\r\n", 505 },
        { "POST /tracks/aurora-1/audio HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 405 },
        { "DELETE /tracks/aurora-1/audio HTTP/1.1\r\nHost: x\r\n\r\n", 405 },
        { "GET /tracks/aurora-1/audio HTTP/1.1\r\nHost: x\r\nX-Padding: " + new string('a', 9000) + "\r\n\r\n", 431 },
        { "GET /tracks/aurora-1/audio?" + new string('a', 9000) + " HTTP/1.1\r\n\r\n", 431 },
        { "GET /tracks/aurora-1/audio HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Repeat("X-A: b\r\n", 101)) + "\r\n", 431 },
    };

    [Theory]
    [MemberData(nameof(BrokenRequests))]
    public async Task A_malformed_request_gets_its_status_and_a_reason_and_closes_only_its_connection(string request, int status)
    {
        await using var bystander = await RawHttp.ConnectAsync(server.AudioAddress);
        await using (var raw = await RawHttp.ConnectAsync(server.AudioAddress))
        {
            await raw.SendAsync(request);
            var response = await raw.ReadResponseAsync();
            Assert.Equal(status, response.Status);
            Assert.NotEmpty(Detail(response));
            Assert.Equal("close", response.Header("Connection"));
            if (status == 405) Assert.Equal("GET, HEAD", response.Header("Allow"));
            Assert.True(await raw.ClosedByServerAsync());
        }
        // A connection that was open all along is still served, and so is a new one.
        await bystander.SendAsync(RawHttp.Get(Audio, server.Token, "bytes=0-99"));
        Assert.Equal(206, (await bystander.ReadResponseAsync()).Status);
        await using var fresh = await RawHttp.ConnectAsync(server.AudioAddress);
        await fresh.SendAsync(RawHttp.Get(Audio, server.Token, "bytes=0-99"));
        Assert.Equal(206, (await fresh.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task Clients_that_drop_the_connection_mid_response_do_not_hurt_the_server()
    {
        var file = server.AudioFile(Track);
        var drops = Enumerable.Range(0, 16).Select(async _ =>
        {
            var raw = await RawHttp.ConnectAsync(server.AudioAddress);
            // Small receive buffer: the whole-track answer cannot be in flight at once when the client resets.
            raw.Socket.ReceiveBufferSize = 4096;
            await raw.SendAsync(RawHttp.Get(Audio, server.Token) + RawHttp.Get(Audio, server.Token));
            await raw.ReadSomeAsync(1000);
            raw.Abort();
        });
        await Task.WhenAll(drops);

        using var http = server.AudioClient();
        var response = await http.GetAsync(Audio);
        Assert.Equal(file, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Parts_sent_by_the_endpoint_are_counted_in_the_metrics()
    {
        using var http = server.Client();
        double before = BytesCounted(await http.GetStringAsync("/metrics"));
        using var audio = server.AudioClient();
        (await audio.SendAsync(AudioTests.Get("/tracks/cirrus-3/audio", "bytes=0-12344"))).EnsureSuccessStatusCode();
        double after = BytesCounted(await http.GetStringAsync("/metrics"));
        Assert.True(after - before >= 12345, $"counted {after - before} bytes");
    }

    private static double BytesCounted(string metrics) =>
        double.Parse(metrics.Split('\n').Single(l => l.StartsWith("spotify_rx_server_audio_bytes_total ")).Split(' ')[1], CultureInfo.InvariantCulture);

    private static string Detail(RawResponse response)
    {
        using var doc = JsonDocument.Parse(response.Body);
        Assert.Equal(response.Status, doc.RootElement.GetProperty("status").GetInt32());
        return doc.RootElement.GetProperty("detail").GetString() ?? "";
    }
}
