using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Spotify.Rx.Server.Tests.Integration;

[Collection(ServerCollection.Name)]
public class HostingTests(ServerFixture server)
{
    [Fact]
    public async Task Health_is_reported_once_the_library_is_loaded()
    {
        using var http = server.Client();
        var response = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    public async Task Liveness_and_readiness_are_served_apart(string path)
    {
        using var http = server.Client();
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_demo_account_is_on_in_the_development_environment()
    {
        await using var app = ServerApp.Build(["--environment", "Development", "--urls", "http://127.0.0.1:0"]);
        Assert.True(app.Services.GetRequiredService<IOptions<ServerOptions>>().Value.DemoAccount);
    }

    [Fact]
    public void Outside_development_a_server_without_accounts_refuses_to_start_and_says_why()
    {
        var e = Assert.Throws<OptionsValidationException>(() => ServerApp.Build(["--environment", "Production", "--urls", "http://127.0.0.1:0"]));
        Assert.Contains("No accounts", e.Message);
    }

    [Fact]
    public async Task Metrics_count_the_audio_served_in_prometheus_text()
    {
        using var http = server.Authorized();
        (await http.SendAsync(AudioTests.Get("/tracks/borealis-2/audio", "bytes=0-16383"))).EnsureSuccessStatusCode();
        var text = await http.GetStringAsync("/metrics");
        Assert.Contains("spotify_rx_server_audio_requests_total{form=\"range\"}", text);
        Assert.Contains("spotify_rx_server_library_tracks 3", text);
        Assert.Contains("http_request_duration_seconds_bucket{", text);
        Assert.Contains("endpoint=\"/tracks/{id}/audio\"", text);
        var bytesLine = text.Split('\n').Single(l => l.StartsWith("spotify_rx_server_audio_bytes_total "));
        Assert.True(double.Parse(bytesLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 16384);
    }

    [Fact]
    public async Task The_signing_key_is_created_on_first_start_and_kept_private()
    {
        Assert.True(File.Exists(server.KeyFile));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(server.KeyFile));
        using var http = server.Client();
        var kid = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(await http.GetStringAsync("/.well-known/jwks.json")).Keys.Single().Kid;
        Assert.Equal(Common.Auth.SigningKey.LoadOrCreate(server.KeyFile).KeyId, kid);
    }

    [Theory]
    [InlineData("Server:LibraryFolder", "/no/such/library", "does not exist")]
    [InlineData("Server:TokenLifetime", "-00:01:00", "TokenLifetime")]
    [InlineData("Server:Users:bob", "plaintext-password", "not a password hash")]
    public async Task Settings_that_cannot_work_stop_the_server_at_start_naming_the_setting(string key, string value, string mentions)
    {
        var settings = ServerFixture.Settings(server.LibraryFolder, server.KeyFile);
        settings[key] = value;
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => ServerFixture.StartAsync(settings));
        Assert.Contains(mentions, e.Message);
    }
}
