using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Common.Hosting;
using Spotify.Rx.Common.Http;
using Spotify.Rx.Server.Accounts;
using Spotify.Rx.Server.Audio;
using Spotify.Rx.Server.Auth;
using Spotify.Rx.Server.Library;
using Spotify.Rx.Server.Tracks;

namespace Spotify.Rx.Server;

/// <summary>
/// The main server (docs/ARCHITECTURE.md "Main server"). <see cref="AddMainServer"/> and
/// <see cref="MapMainServer"/> are the whole node, so Program.cs, the tests and the swarm all host
/// the same thing; <see cref="Build"/> is both for hosts in-process.
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
        // One line per event with the time; settings, not a provider, so a host that cleared the providers stays quiet.
        ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss ",
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

    /// <summary>The server in-process: <paramref name="configure"/> runs first (URLs, library, accounts, a clock).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        builder.AddMainServer();
        var app = builder.Build();
        app.MapMainServer();
        return app;
    }

    /// <summary>
    /// The server's settings and services. Whatever a host registered before (a <see cref="TimeProvider"/>)
    /// stays; configuration added before is read here, so it must be complete.
    /// </summary>
    public static WebApplicationBuilder AddMainServer(this WebApplicationBuilder builder)
    {
        // Lowest precedence: code defaults, then appsettings, environment, command line. The demo
        // account is a default of the Development environment only (dotnet run, see launchSettings.json).
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = new Dictionary<string, string?>
        {
            ["Server:DemoAccount"] = builder.Environment.IsDevelopment() ? "true" : "false",
        } });

        var services = builder.Services;
        services.AddOptions<ServerOptions>().Bind(builder.Configuration.GetSection(ServerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ServerMetrics(Metrics.NewCustomRegistry(), sp.GetRequiredService<TrackStore>()));
        services.AddSingleton<AccountStore>();
        services.AddSingleton(sp => new TokenIssuer(
            SigningKey.LoadOrCreate(sp.GetRequiredService<IOptions<ServerOptions>>().Value.SigningKeyFile),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TokenValidator(
            new StaticKeySource(sp.GetRequiredService<TokenIssuer>().Key), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<BearerAuth>();
        services.AddSingleton<RequireToken>();
        services.AddSingleton<TrackStore>();
        services.AddSingleton(sp => new AudioParts(sp.GetRequiredService<TrackStore>(), sp.GetRequiredService<IOptions<ServerOptions>>().Value.MaxWindowSeconds, sp.GetRequiredService<ServerMetrics>()));
        services.AddSingleton<AudioEndpoint>();
        services.AddHostedService<LibraryLoader>();
        services.AddProblemDetails();
        services.AddHealthChecks().AddCheck<LibraryHealth>("library", tags: [Health.Ready]);

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
        return builder;
    }

    /// <summary>The server's middleware and routes.</summary>
    public static WebApplication MapMainServer(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<ServerMetrics>();
        app.UseExceptionHandler();
        app.UseHeaderValueCheck(app.Logger);
        // Request durations by route and status class; no in-progress gauge or separate counter on the audio path.
        app.UseHttpMetrics(o =>
        {
            o.SetMetricFactory(Metrics.WithCustomRegistry(metrics.Registry));
            o.InProgress.Enabled = false;
            o.RequestCount.Enabled = false;
            o.ReduceStatusCodeCardinality();
        });
        app.MapHealth();
        app.MapMetrics("/metrics", metrics.Registry);
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
