using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Common.Http;
using Spotify.Rx.Server.Accounts;
using Spotify.Rx.Server.Audio;
using Spotify.Rx.Server.Auth;
using Spotify.Rx.Server.Library;
using Spotify.Rx.Server.Tracks;

namespace Spotify.Rx.Server;

/// <summary>
/// The main server (DESIGN.md "Main server"), built so that Program, the tests and the swarm all
/// host the same thing: <c>ServerApp.Build(args).Run()</c>, or with <c>configure</c> to set URLs,
/// library and accounts in-process.
/// </summary>
public static class ServerApp
{
    /// <summary>Settings that apply unless appsettings, environment or command line say otherwise.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Defaults = new Dictionary<string, string?>
    {
        ["urls"] = "http://127.0.0.1:5080",
        // One line per request at Information would cost more than serving the request.
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    /// <summary>
    /// Defaults of the executable only (Program.cs): the sendfile audio endpoint on. In-process hosts
    /// (tests, the swarm) start many servers side by side on free ports, so for them it stays off
    /// unless they set <c>Server:AudioUrl</c>.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> ProgramDefaults = new Dictionary<string, string?>
    {
        ["Server:AudioUrl"] = "http://127.0.0.1:5081",
    };

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ServerMetrics.Initialize();
        var builder = WebApplication.CreateSlimBuilder(args);
        // Lowest precedence: code defaults, then appsettings, environment, command line.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        configure?.Invoke(builder);

        var services = builder.Services;
        services.AddOptions<ServerOptions>().Bind(builder.Configuration.GetSection(ServerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AccountStore>();
        services.AddSingleton(sp => new TokenIssuer(
            SigningKey.LoadOrCreate(sp.GetRequiredService<IOptions<ServerOptions>>().Value.SigningKeyFile),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TokenValidator(
            new StaticKeySource(sp.GetRequiredService<TokenIssuer>().Key), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<BearerAuth>();
        services.AddSingleton<RequireToken>();
        services.AddSingleton<TrackStore>();
        services.AddSingleton(sp => new AudioParts(sp.GetRequiredService<TrackStore>(), sp.GetRequiredService<IOptions<ServerOptions>>().Value.MaxWindowSeconds));
        services.AddSingleton<AudioEndpoint>();
        services.AddHostedService<LibraryLoader>();
        services.AddProblemDetails();
        services.AddHealthChecks().AddCheck<LibraryHealth>("library");

        var tuning = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        services.Configure<SocketTransportOptions>(sockets =>
        {
            sockets.UnsafePreferInlineScheduling = tuning.InlineScheduling;
            if (tuning.SocketSendBufferBytes > 0)
                sockets.CreateBoundListenSocket = endpoint =>
                {
                    // Accepted sockets inherit the listener's buffer sizes (Linux, Windows).
                    var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                    socket.SendBufferSize = tuning.SocketSendBufferBytes;
                    return socket;
                };
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxResponseBufferSize = tuning.ResponseBufferBytes;
            kestrel.AddServerHeader = false;
            // The server takes small requests only: a token request, or a GET with a token and a Range.
            kestrel.Limits.MaxRequestLineSize = 4 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.Limits.MaxRequestHeaderCount = 64;
            kestrel.Limits.MaxRequestBodySize = 16 * 1024;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
        });
        // The sendfile endpoint: a Kestrel endpoint whose connections go to AudioConnectionHandler
        // instead of Kestrel's HTTP stack.
        if (!string.IsNullOrWhiteSpace(tuning.AudioUrl)) AudioEndpointAddress.Bind(builder, tuning.AudioUrl);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseHeaderValueCheck(app.Logger);
        app.MapHealthChecks("/healthz");
        app.MapMetrics("/metrics");
        app.MapAuth();
        app.MapTracks();
        return app;
    }

    private sealed class LibraryHealth(TrackStore store) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
            Task.FromResult(store.IsLoaded
                ? HealthCheckResult.Healthy($"{store.Tracks.Count} tracks")
                : HealthCheckResult.Unhealthy("library not loaded yet"));
    }
}
