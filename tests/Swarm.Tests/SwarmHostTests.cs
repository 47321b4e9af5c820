using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Swarm.Running;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Swarm.Tests;

public sealed class SwarmHostTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _keys = TestLibrary.TempFolder("swarm-host-keys");
    private string _library = "";
    private string _trackId = "";

    public async Task InitializeAsync()
    {
        var library = await TestLibrary.GetAsync().WaitAsync(Bound);
        _library = library.Folder;
        _trackId = library.Tracks[0].Id;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_keys, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_tracker_accepts_a_token_the_server_signed_by_reading_the_servers_public_key()
    {
        await using var host = await SwarmHost.StartAsync(_library, _keys, logs: null, CancellationToken.None)
            .WaitAsync(Bound);
        using var http = new HttpClient { Timeout = Bound };

        var issued = await http.PostAsJsonAsync(new Uri(host.ServerUrl, "auth/token"), new TokenRequest("demo", "demo", "peer-test"));
        issued.EnsureSuccessStatusCode();
        var token = (await issued.Content.ReadFromJsonAsync<TokenResponse>())!.Token;

        using var lookup = new HttpRequestMessage(HttpMethod.Get, new Uri(host.TrackerUrl, $"tracks/{_trackId}/peers"));
        lookup.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var answer = await http.SendAsync(lookup);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(IPAddress.Loopback.ToString(), host.ServerUrl.Host);
        Assert.NotEqual(host.ServerUrl.Port, host.TrackerUrl.Port);
    }

    [Fact]
    public async Task The_tracker_refuses_a_request_without_a_token()
    {
        await using var host = await SwarmHost.StartAsync(_library, _keys, logs: null, CancellationToken.None)
            .WaitAsync(Bound);
        using var http = new HttpClient { Timeout = Bound };

        using var answer = await http.GetAsync(new Uri(host.TrackerUrl, $"tracks/{_trackId}/peers"));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }
}
