using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Tracker.Tests.Support;

/// <summary>The main server's key publication and nothing else: a real HTTP endpoint serving the issuer's JWKS.</summary>
public sealed class JwksHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile TokenIssuer _issuer;

    private JwksHost(WebApplication app, TokenIssuer issuer, Uri url)
    {
        _app = app;
        _issuer = issuer;
        JwksUrl = url;
    }

    public Uri JwksUrl { get; }

    /// <summary>The key now published; replacing it is a key rotation on the main server.</summary>
    public TokenIssuer Issuer { get => _issuer; set => _issuer = value; }

    public static async Task<JwksHost> StartAsync(TokenIssuer issuer)
    {
        var port = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var host = new JwksHost(app, issuer, new Uri($"http://127.0.0.1:{port}/.well-known/jwks.json"));
        app.MapGet("/.well-known/jwks.json", () => Results.Text(host.Issuer.JwksJson(), "application/json"));
        await app.StartAsync();
        return host;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
