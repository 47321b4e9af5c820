using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Prometheus;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Tracker.Routes;
using Spotify.Rx.Tracker.Store;
using StackExchange.Redis;

namespace Spotify.Rx.Tracker;

/// <summary>
/// The tracker node. <see cref="Build"/> is the whole app, so Program.cs, the tests and the swarm
/// all host the same thing; <paramref name="configure"/> lets a host swap the clock, the random
/// source or the key source before the app is built.
/// </summary>
public static class TrackerApp
{
    public const string DefaultUrls = "http://127.0.0.1:7070";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])) builder.WebHost.UseUrls(DefaultUrls);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        // A line per request would cost more than the lookup it logs.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var services = builder.Services;
        services.AddOptions<TrackerOptions>().Bind(builder.Configuration.GetSection(TrackerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrackerOptions>, TrackerOptionsValidator>();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, TrackerJson.Default));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<TrackerOptions>>().Value.Seed is { } seed ? new Random(seed) : new Random());
        services.AddHttpClient(nameof(JwksKeySource));
        services.TryAddSingleton<ISigningKeySource>(sp => new JwksKeySource(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(JwksKeySource)),
            new Uri(sp.GetRequiredService<IOptions<TrackerOptions>>().Value.JwksUrl!),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new TokenValidator(sp.GetRequiredService<ISigningKeySource>(), sp.GetRequiredService<TimeProvider>()));

        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TrackerOptions>>().Value;
            return new TrackerLimits(o.RegistrationLifetime, o.KeepPerTrack);
        });
        // Resolved only for the Redis store; the container disposes the connection with the app.
        services.TryAddSingleton<IConnectionMultiplexer>(sp =>
            ConnectionMultiplexer.Connect(sp.GetRequiredService<IOptions<TrackerOptions>>().Value.Redis!));
        services.TryAddSingleton<ITrackerStore>(CreateStore);
        services.TryAddSingleton(sp => new PeerSampler(sp.GetRequiredService<Random>(), sp.GetRequiredService<IOptions<TrackerOptions>>().Value.PeersPerLookup));
        services.TryAddSingleton(_ => new TrackerMetrics(Metrics.NewCustomRegistry()));
        services.TryAddSingleton<PeerRouteServices>();
        services.TryAddSingleton(sp => Input.ObservedEndpoint.FromConfig(sp.GetRequiredService<IOptions<TrackerOptions>>().Value.TrustedProxies));
        // Connect to the store while starting, so a wrong Redis address stops the start instead of the first request.
        services.AddHostedService<StoreWarmup>();

        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapGet("/healthz", (ITrackerStore store) => store.IsAvailable
            ? Results.Text("ok")
            : Results.Problem(detail: "the store is unreachable", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapMetrics("/metrics", app.Services.GetRequiredService<TrackerMetrics>().Registry);
        app.MapPeerRoutes();
        return app;
    }

    private static ITrackerStore CreateStore(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<TrackerOptions>>().Value;
        var limits = sp.GetRequiredService<TrackerLimits>();
        var time = sp.GetRequiredService<TimeProvider>();
        if (options.EffectiveStore == TrackerStoreKind.Memory) return new MemoryTrackerStore(limits, time);
        var redis = sp.GetRequiredService<IConnectionMultiplexer>();
        sp.GetRequiredService<ILogger<RedisTrackerStore>>().LogInformation("Tracker store: Redis at {Redis}, keys {Prefix}*", options.Redis, options.RedisKeyPrefix);
        return new RedisTrackerStore(redis, options.RedisKeyPrefix, limits, time);
    }

    private sealed class StoreWarmup(ITrackerStore store, IOptions<TrackerOptions> options, ILogger<StoreWarmup> log) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            var o = options.Value;
            log.LogInformation("Tracker: {Store} store, registrations live {Lifetime}, {Keep} kept and {Return} returned per track, keys from {Jwks}",
                o.EffectiveStore, o.RegistrationLifetime, o.KeepPerTrack, o.PeersPerLookup, o.JwksUrl);
            return store.IsAvailable ? Task.CompletedTask : throw new InvalidOperationException("the tracker store is unreachable");
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
