using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Common.Hosting;
using Spotify.Rx.Common.Http;
using Spotify.Rx.Tracker.Routes;
using Spotify.Rx.Tracker.Store;
using StackExchange.Redis;

namespace Spotify.Rx.Tracker;

/// <summary>
/// The tracker node. <see cref="AddTracker"/> and <see cref="MapTracker"/> are the whole node, so
/// Program.cs, the tests and the swarm all host the same thing; <see cref="Build"/> is both for hosts
/// in-process.
/// </summary>
public static class TrackerApp
{
    public const string DefaultUrls = "http://127.0.0.1:7070";

    /// <summary>Settings that apply unless appsettings, environment or command line say otherwise.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Defaults = new Dictionary<string, string?>
    {
        ["urls"] = DefaultUrls,
        ["Logging:LogLevel:Default"] = "Information",
        // A line per request would cost more than the lookup it logs.
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        // One line per event with the time; settings, not a provider, so a host that cleared the providers stays quiet.
        ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss ",
    };

    /// <summary>
    /// The tracker in-process: <paramref name="configure"/> runs first, so a host can set its
    /// configuration or register its own clock, random source, key source or store.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        builder.AddTracker();
        var app = builder.Build();
        app.MapTracker();
        return app;
    }

    /// <summary>
    /// The tracker's settings and services. Whatever a host registered before (a <see cref="TimeProvider"/>,
    /// an <see cref="ITrackerStore"/>) stays.
    /// </summary>
    public static WebApplicationBuilder AddTracker(this WebApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);

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
            return new TrackerLimits(o.RegistrationLifetime, o.KeepPerTrack, o.TracksPerPeer);
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

        var health = services.AddHealthChecks().AddCheck<StoreHealth>("store", tags: [Health.Ready]);
        var settings = builder.Configuration.GetSection(TrackerOptions.Section).Get<TrackerOptions>() ?? new TrackerOptions();
        if (settings.EffectiveStore == TrackerStoreKind.Redis) health.AddCheck<RedisHealth>("redis", tags: [Health.Ready]);
        return builder;
    }

    /// <summary>The tracker's middleware and routes.</summary>
    public static WebApplication MapTracker(this WebApplication app)
    {
        app.UseHeaderValueCheck(app.Logger);
        var metrics = app.Services.GetRequiredService<TrackerMetrics>();
        // Request durations by route and status class.
        app.UseHttpMetrics(o =>
        {
            o.SetMetricFactory(Metrics.WithCustomRegistry(metrics.Registry));
            o.InProgress.Enabled = false;
            o.RequestCount.Enabled = false;
            o.ReduceStatusCodeCardinality();
        });
        app.MapHealth();
        app.MapMetrics("/metrics", metrics.Registry);
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

    /// <summary>Whether the store can answer at all (Redis connected); the memory store always can.</summary>
    private sealed class StoreHealth(ITrackerStore store) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
            Task.FromResult(store.IsAvailable
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("the store is unreachable"));
    }

    /// <summary>A PING to the Redis store: a connection that is up but does not answer is not ready either.</summary>
    private sealed class RedisHealth(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), ct);
                return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.#} ms");
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Redis does not answer: " + e.Message);
            }
        }
    }
}
