using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spotify.Rx.Server;
using Spotify.Rx.Tracker;

namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// The main server and the tracker, hosted in this process on ports the OS picks on 127.0.0.1,
/// the tracker reading the server's public key from its JWKS address.
/// </summary>
public sealed class SwarmHost : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly WebApplication _tracker;

    private SwarmHost(WebApplication server, Uri serverUrl, WebApplication tracker, Uri trackerUrl)
    {
        _server = server;
        ServerUrl = serverUrl;
        _tracker = tracker;
        TrackerUrl = trackerUrl;
    }

    public Uri ServerUrl { get; }
    public Uri TrackerUrl { get; }

    /// <param name="libraryFolder">A library that already exists (the swarm generates it first, with its own progress).</param>
    /// <param name="keysFolder">Where the server keeps its signing key between runs.</param>
    /// <param name="logs">Where the nodes log; null keeps them quiet, as the live view owns the console.</param>
    public static async Task<SwarmHost> StartAsync(string libraryFolder, string keysFolder, Action<ILoggingBuilder>? logs, CancellationToken ct)
    {
        // The sendfile audio endpoint needs a port named in advance (the server advertises it in
        // token responses), so one is picked free here; the clients fetch their parts from it.
        var audioPort = FreeLoopbackPort();
        var server = ServerApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["urls"] = "http://127.0.0.1:0",
                ["Server:AudioUrl"] = $"http://127.0.0.1:{audioPort}",
                ["Server:LibraryFolder"] = Path.GetFullPath(libraryFolder),
                ["Server:SigningKeyFile"] = Path.GetFullPath(Path.Combine(keysFolder, "server-signing.pem")),
                ["Server:DemoAccount"] = "true",
            });
            Logging(builder, logs);
        });
        await server.StartAsync(ct).ConfigureAwait(false);
        var serverUrl = BoundAddress(server, except: audioPort);

        var tracker = TrackerApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["urls"] = "http://127.0.0.1:0",
                ["Tracker:JwksUrl"] = new Uri(serverUrl, "/.well-known/jwks.json").ToString(),
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            Logging(builder, logs);
        });
        try
        {
            await tracker.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new SwarmHost(server, serverUrl, tracker, BoundAddress(tracker));
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _tracker.StopAsync(timeout.Token).ConfigureAwait(false);
        await _server.StopAsync(timeout.Token).ConfigureAwait(false);
        await _tracker.DisposeAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
    }

    private static void Logging(WebApplicationBuilder builder, Action<ILoggingBuilder>? logs)
    {
        builder.Logging.ClearProviders();
        logs?.Invoke(builder.Logging);
    }

    /// <summary>The address Kestrel bound for port 0, known only once the app has started.</summary>
    private static Uri BoundAddress(WebApplication app, int except = -1)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a.EndsWith('/') ? a : a + "/"))
            .FirstOrDefault(a => a.Port != except)
            ?? throw new InvalidOperationException("the node started without an address");
        return address;
    }

    /// <summary>A port free on 127.0.0.1 now, for a node whose address must be named before it starts.</summary>
    internal static int FreeLoopbackPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
