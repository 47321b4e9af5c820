using System.Net;
using System.Net.Http.Json;
using System.Text;
using Spotify.Rx.Common.Contracts;

namespace Spotify.Rx.Server.Tests.Integration;

[Collection(ServerCollection.Name)]
public class BadInputTests(ServerFixture server)
{
    private const string Audio = "/tracks/aurora-1/audio";

    [Theory]
    [InlineData("bytes=abc")]
    [InlineData("bytes=10-5")]
    [InlineData("bytes=-")]
    [InlineData("lines=0-10")]
    [InlineData("bytes=0-9,20-29")]
    public async Task A_malformed_or_multiple_range_gets_400_with_a_reason(string range)
    {
        using var http = server.Authorized();
        var response = await http.SendAsync(AudioTests.Get(Audio, range));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await Http.ProblemDetailAsync(response));
    }

    [Theory]
    [InlineData("bytes=99999999-")]
    [InlineData("bytes=-0")]
    public async Task A_range_beyond_the_track_gets_416_with_its_length(string range)
    {
        var length = server.AudioFile("aurora-1").Length;
        using var http = server.Authorized();
        var response = await http.SendAsync(AudioTests.Get(Audio, range));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{length}", response.Content.Headers.ContentRange?.ToString());
        Assert.NotEmpty(await Http.ProblemDetailAsync(response));
    }

    [Theory]
    [InlineData("from=abc", HttpStatusCode.BadRequest, "from")]
    [InlineData("from=-1", HttpStatusCode.BadRequest, "from")]
    [InlineData("from=NaN", HttpStatusCode.BadRequest, "from")]
    [InlineData("from=1e3", HttpStatusCode.BadRequest, "from")]
    [InlineData("seconds=15", HttpStatusCode.BadRequest, "from")]
    [InlineData("from=0&seconds=0", HttpStatusCode.BadRequest, "seconds")]
    [InlineData("from=0&seconds=-15", HttpStatusCode.BadRequest, "seconds")]
    [InlineData("from=0&seconds=100000", HttpStatusCode.BadRequest, "seconds")]
    [InlineData("from=1&from=2", HttpStatusCode.BadRequest, "from")]
    [InlineData("from=40", HttpStatusCode.RequestedRangeNotSatisfiable, "end of the track")]
    [InlineData("from=3600", HttpStatusCode.RequestedRangeNotSatisfiable, "end of the track")]
    public async Task A_malformed_or_impossible_time_window_is_refused_with_a_reason(string query, HttpStatusCode status, string reasonMentions)
    {
        using var http = server.Authorized();
        var response = await http.GetAsync($"{Audio}?{query}");
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(reasonMentions, await Http.ProblemDetailAsync(response));
    }

    [Fact]
    public async Task Asking_by_range_and_by_time_at_once_gets_400()
    {
        using var http = server.Authorized();
        var response = await http.SendAsync(AudioTests.Get($"{Audio}?from=0", "bytes=0-10"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not both", await Http.ProblemDetailAsync(response));
    }

    [Theory]
    [InlineData("/tracks/..%2F..%2Fetc%2Fpasswd/audio")]
    [InlineData("/tracks/%2Fetc%2Fpasswd/audio")]
    [InlineData("/tracks/..%2Fcirrus-3/audio")]
    [InlineData("/tracks/%2E%2E/audio")]
    [InlineData("/tracks/AURORA-1/audio")]
    [InlineData("/tracks/aurora-1.opus/audio")]
    [InlineData("/tracks/..%5C..%5Cetc%5Cpasswd")]
    public async Task An_id_that_is_a_path_is_refused_and_reads_no_file(string path)
    {
        using var http = server.Authorized();
        var response = await http.GetAsync(new Uri(server.BaseAddress + path.TrimStart('/'), UriKind.Absolute));
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.NotFound });
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.DoesNotContain("root:", Encoding.ASCII.GetString(body));
        Assert.NotEqual("audio/ogg", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/tracks/../../../../etc/passwd")]
    [InlineData("/tracks/aurora-1/../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("/tracks//etc/passwd/audio")]
    public async Task Dot_segments_sent_raw_never_leave_the_library(string path)
    {
        var (status, text) = await Http.RawAsync(server.BaseAddress,
            $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {server.Token}\r\nConnection: close\r\n\r\n");
        Assert.Contains(status, new[] { 400, 404 });
        Assert.DoesNotContain("root:", text);
    }

    [Fact]
    public async Task Oversized_headers_are_refused_by_kestrel_with_431()
    {
        using var http = server.Authorized();
        var request = AudioTests.Get(Audio, "bytes=0-10");
        request.Headers.Add("X-Padding", new string('a', 20_000));
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task An_oversized_request_line_is_refused_by_kestrel_with_414()
    {
        using var http = server.Authorized();
        var response = await http.GetAsync(Audio + "?pad=" + new string('a', 8_000));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413()
    {
        using var http = server.Client();
        var huge = new TokenRequest(ServerFixture.User, new string('p', 100_000), "p");
        var response = await http.PostAsJsonAsync("/auth/token", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
