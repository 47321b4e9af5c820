using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>
/// What a client gets from <c>/tracks/{id}/audio</c>, written once and run against both front ends:
/// the Kestrel route (<see cref="KestrelAudioTests"/>) and the sendfile endpoint (<see cref="SendfileAudioTests"/>).
/// The same bytes, statuses and headers from either, to the byte.
/// </summary>
public abstract class AudioContract(ServerFixture server)
{
    protected const string Track = "aurora-1";
    protected const string Audio = "/tracks/aurora-1/audio";

    protected ServerFixture Server { get; } = server;

    /// <summary>An HTTP client of this front end, with the token set.</summary>
    protected abstract HttpClient Client();

    [Fact]
    public async Task A_request_without_range_gets_the_whole_track_as_audio_ogg()
    {
        using var http = Client();
        var response = await http.GetAsync(Audio);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/ogg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.Equal(Server.AudioFile(Track), await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("bytes=0-16383", 0, 16384)]
    [InlineData("bytes=16384-32767", 16384, 32768)]
    [InlineData("bytes=100000-", 100000, -1)]
    [InlineData("bytes=-1000", -1000, -1)]
    [InlineData("bytes=-99999999", 0, -1)]
    [InlineData("bytes=50-99999999", 50, -1)]
    [InlineData("bytes=7-7", 7, 8)]
    public async Task A_byte_range_gets_206_with_exactly_those_bytes_of_the_file(string range, long start, long end)
    {
        var file = Server.AudioFile(Track);
        if (start < 0) start += file.Length;
        if (end < 0) end = file.Length;

        using var http = Client();
        var response = await http.SendAsync(AudioTests.Get(Audio, range));
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
        var file = Server.AudioFile(Track);
        var (start, end) = Server.ManifestFile(Track).ByteRangeFor(TimeSpan.FromSeconds(from), TimeSpan.FromSeconds(seconds));
        Assert.True(end > start);

        using var http = Client();
        var response = await http.GetAsync(string.Create(CultureInfo.InvariantCulture, $"{Audio}?from={from}&seconds={seconds}"));
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(new ContentRangeHeaderValue(start, end - 1, file.Length), response.Content.Headers.ContentRange);
        Assert.Equal(file[(int)start..(int)end], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_time_form_without_seconds_means_fifteen_seconds()
    {
        var manifest = Server.ManifestFile(Track);
        var (start, end) = manifest.ByteRangeFor(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15));
        using var http = Client();
        var response = await http.GetAsync($"{Audio}?from=10");
        Assert.Equal(new ContentRangeHeaderValue(start, end - 1, manifest.ByteLength), response.Content.Headers.ContentRange);
    }

    [Fact]
    public async Task A_head_request_gets_the_headers_of_the_part_and_no_body()
    {
        using var http = Client();
        var request = AudioTests.Get(Audio, "bytes=0-999");
        request.Method = HttpMethod.Head;
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(1000, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}

[Collection(ServerCollection.Name)]
public sealed class KestrelAudioTests(ServerFixture server) : AudioContract(server)
{
    protected override HttpClient Client() => Server.Authorized();
}

[Collection(ServerCollection.Name)]
public sealed class SendfileAudioTests(ServerFixture server) : AudioContract(server)
{
    protected override HttpClient Client() => Server.AudioClient();
}
