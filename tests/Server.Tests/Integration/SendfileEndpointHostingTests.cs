using System.Net.Http.Json;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>The sendfile endpoint's settings, each on a server of its own over the shared library.</summary>
[Collection(ServerCollection.Name)]
public class SendfileEndpointHostingTests(ServerFixture server)
{
    [Fact]
    public async Task A_connection_that_sends_no_complete_request_within_the_keep_alive_time_is_closed()
    {
        var settings = ServerFixture.Settings(server.LibraryFolder, server.KeyFile);
        var audio = new Uri($"http://127.0.0.1:{FreePort.Get()}");
        settings["Server:AudioUrl"] = audio.ToString();
        settings["Server:AudioKeepAliveTimeout"] = "00:00:00.300";
        var (app, _) = await ServerFixture.StartAsync(settings);
        await using (app)
        {
            await using var idle = await RawHttp.ConnectAsync(audio);
            await using var trickle = await RawHttp.ConnectAsync(audio);
            await trickle.SendAsync("GET /tracks/aurora-1/audio HTTP/1.1\r\nHost: x\r\n");
            await using var served = await RawHttp.ConnectAsync(audio);
            await served.SendAsync(RawHttp.Get("/tracks/aurora-1/audio", server.Token, "bytes=0-9"));
            Assert.Equal(206, (await served.ReadResponseAsync()).Status);

            Assert.True(await idle.ClosedByServerAsync());
            Assert.True(await trickle.ClosedByServerAsync());
            Assert.True(await served.ClosedByServerAsync());
        }
    }

    [Fact]
    public async Task Without_the_linux_fast_path_send_packets_alone_serves_the_same_bytes()
    {
        var settings = ServerFixture.Settings(server.LibraryFolder, server.KeyFile);
        var audio = new Uri($"http://127.0.0.1:{FreePort.Get()}");
        settings["Server:AudioUrl"] = audio.ToString();
        settings["Server:AudioSendfileFastPath"] = "false";
        var (app, _) = await ServerFixture.StartAsync(settings);
        await using (app)
        {
            var file = server.AudioFile("cirrus-3");
            await using var raw = await RawHttp.ConnectAsync(audio);
            await raw.SendAsync(RawHttp.Get("/tracks/cirrus-3/audio", server.Token) + RawHttp.Get("/tracks/cirrus-3/audio", server.Token, "bytes=1000-17383"));
            Assert.Equal(file, (await raw.ReadResponseAsync()).Body);
            Assert.Equal(file[1000..17384], (await raw.ReadResponseAsync()).Body);
        }
    }

    [Fact]
    public async Task Without_an_audio_url_the_token_response_names_no_endpoint_and_the_kestrel_route_serves()
    {
        var (app, baseAddress) = await ServerFixture.StartAsync(ServerFixture.Settings(server.LibraryFolder, server.KeyFile));
        await using (app)
        {
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            var response = await http.PostAsJsonAsync("/auth/token", new TokenRequest(ServerFixture.User, ServerFixture.Password, "p"));
            var issued = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
            Assert.Null(issued.AudioUrl);
            http.DefaultRequestHeaders.Authorization = new("Bearer", issued.Token);
            Assert.Equal(server.AudioFile("aurora-1"), await http.GetByteArrayAsync("/tracks/aurora-1/audio"));
        }
    }

    [Theory]
    [InlineData("https://127.0.0.1:5081", "plain http")]
    [InlineData("http://127.0.0.1", "port")]
    [InlineData("http://127.0.0.1:5081/audio", "no path")]
    [InlineData("not a url", "Server:AudioUrl")]
    public async Task An_audio_url_that_cannot_work_stops_the_server_at_start(string url, string mentions)
    {
        var settings = ServerFixture.Settings(server.LibraryFolder, server.KeyFile);
        settings["Server:AudioUrl"] = url;
        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ServerFixture.StartAsync(settings));
        Assert.Contains(mentions, e.Message);
    }
}
