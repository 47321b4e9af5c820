using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Tracker.Tests.Support;

/// <summary>A real tracker (TrackerApp.Build) on a free 127.0.0.1 port, spoken to over HTTP.</summary>
public sealed class TrackerNode : IAsyncDisposable
{
    private TrackerNode(WebApplication app, Uri address, ErrorLog errors)
    {
        App = app;
        Errors = errors;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public WebApplication App { get; }
    public HttpClient Http { get; }
    /// <summary>Every <c>fail:</c>/<c>crit:</c> line the tracker logged; disposing the node fails the test if there is one.</summary>
    public ErrorLog Errors { get; }

    public static async Task<TrackerNode> StartAsync(Uri jwksUrl, TimeProvider clock, params string[] settings)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.Get()}/");
        string[] args = ["--urls", address.ToString().TrimEnd('/'), $"--Tracker:JwksUrl={jwksUrl}", "--Tracker:Seed=7", .. settings];
        var errors = new ErrorLog();
        var app = TrackerApp.Build(args, b =>
        {
            b.Services.AddSingleton(clock);
            b.Logging.AddProvider(errors);
        });
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new TrackerNode(app, address, errors);
    }

    public Task<HttpResponseMessage> RegisterAsync(string? token, string trackId, string peerId, string endpoint) =>
        SendAsync(HttpMethod.Put, $"tracks/{trackId}/peers/{peerId}", token, JsonContent.Create(new PeerRegistration(endpoint)));

    public Task<HttpResponseMessage> RemoveAsync(string? token, string trackId, string peerId) =>
        SendAsync(HttpMethod.Delete, $"tracks/{trackId}/peers/{peerId}", token);

    public Task<HttpResponseMessage> LookupAsync(string? token, string trackId) =>
        SendAsync(HttpMethod.Get, $"tracks/{trackId}/peers", token);

    public async Task<IReadOnlyList<PeerInfo>> PeersAsync(string token, string trackId)
    {
        using var response = await LookupAsync(token, trackId);
        response.EnsureSuccessStatusCode();
        var list = await response.Content.ReadFromJsonAsync<PeerList>();
        Assert.Equal(trackId, list!.TrackId);
        return list.Peers;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await App.StopAsync(stopping.Token);
        await App.DisposeAsync();
        Errors.AssertEmpty("the tracker");
    }
}
