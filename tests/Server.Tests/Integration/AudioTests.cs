using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Spotify.Rx.Server.Tests.Integration;

[Collection(ServerCollection.Name)]
public class AudioTests(ServerFixture server)
{
    private const string Track = "aurora-1";

    [Fact]
    public async Task A_request_without_range_gets_the_whole_track()
    {
        using var http = server.Authorized();
        var response = await http.GetAsync($"/tracks/{Track}/audio");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/ogg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.Equal(server.AudioFile(Track), await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("bytes=0-16383", 0, 16384)]
    [InlineData("bytes=16384-32767", 16384, 32768)]
    [InlineData("bytes=100000-", 100000, -1)]
    [InlineData("bytes=-1000", -1000, -1)]
    [InlineData("bytes=-99999999", 0, -1)]
    [InlineData("bytes=50-99999999", 50, -1)]
    public async Task A_byte_range_gets_206_with_exactly_those_bytes_of_the_file(string range, long start, long end)
    {
        var file = server.AudioFile(Track);
        if (start < 0) start += file.Length;
        if (end < 0) end = file.Length;

        using var http = server.Authorized();
        var response = await http.SendAsync(Get($"/tracks/{Track}/audio", range));
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(new ContentRangeHeaderValue(start, end - 1, file.Length), response.Content.Headers.ContentRange);
        Assert.Equal(file[(int)start..(int)end], await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(0, 15)]
    [InlineData(12.34, 15)]
    [InlineData(30, 15)]
    [InlineData(39.9, 15)]
    [InlineData(5, 0.5)]
    public async Task The_time_form_gets_exactly_the_pages_that_cover_the_window(double from, double seconds)
    {
        var file = server.AudioFile(Track);
        var manifest = server.ManifestFile(Track);
        var (start, end) = manifest.ByteRangeFor(TimeSpan.FromSeconds(from), TimeSpan.FromSeconds(seconds));
        Assert.True(end > start);

        using var http = server.Authorized();
        var url = string.Create(CultureInfo.InvariantCulture, $"/tracks/{Track}/audio?from={from}&seconds={seconds}");
        var response = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(new ContentRangeHeaderValue(start, end - 1, file.Length), response.Content.Headers.ContentRange);
        Assert.Equal(file[(int)start..(int)end], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_time_form_without_seconds_means_fifteen_seconds()
    {
        var manifest = server.ManifestFile(Track);
        var (start, end) = manifest.ByteRangeFor(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15));
        using var http = server.Authorized();
        var response = await http.GetAsync($"/tracks/{Track}/audio?from=10");
        Assert.Equal(new ContentRangeHeaderValue(start, end - 1, manifest.ByteLength), response.Content.Headers.ContentRange);
    }

    [Fact]
    public async Task One_connection_carries_every_request_of_a_client_including_refusals()
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
        using var http = server.Authorized(handler);
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 10; i++)
        {
            foreach (var request in new[]
            {
                Get($"/tracks/{Track}/audio", $"bytes={i * 16384}-{i * 16384 + 16383}"),
                Get($"/tracks/{Track}/audio?from={i}&seconds=15"),
                Get($"/tracks/{Track}/audio", "bytes=99999999-"),
                Get("/tracks/no-such-track"),
            })
            {
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                Assert.False(response.Headers.ConnectionClose ?? false);
                statuses.Add(response.StatusCode);
            }
        }
        Assert.Equal(1, connections);
        Assert.Equal(40, statuses.Count);
        Assert.Contains(HttpStatusCode.RequestedRangeNotSatisfiable, statuses);
    }

    [Fact]
    public async Task A_head_request_gets_the_headers_of_the_part_and_no_body()
    {
        using var http = server.Authorized();
        var request = Get($"/tracks/{Track}/audio", "bytes=0-999");
        request.Method = HttpMethod.Head;
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(1000, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    public static HttpRequestMessage Get(string path, string? range = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (range is not null) request.Headers.TryAddWithoutValidation("Range", range);
        return request;
    }
}
