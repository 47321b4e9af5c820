using System.Diagnostics;
using System.Net;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Testing;
using Spotify.Rx.Tracker.Tests.Support;
using StackExchange.Redis;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Spotify.Rx.Tracker.Tests.Http;

/// <summary>Liveness and readiness apart: a tracker whose store stops answering is alive but not ready.</summary>
public sealed class TrackerHealthTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("healthz")]
    [InlineData("healthz/live")]
    [InlineData("healthz/ready")]
    public async Task A_tracker_on_the_memory_store_is_alive_and_ready(string path)
    {
        await using var jwks = await JwksHost.StartAsync(new TokenIssuer(SigningKey.CreateEphemeral(), TimeProvider.System));
        await using var tracker = await TrackerNode.StartAsync(jwks.JwksUrl, TimeProvider.System);

        using var response = await tracker.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_redis_store_that_stops_answering_makes_the_tracker_unready_but_not_dead()
    {
        var redisServer = TestRedis.ServerOrExplain(output);
        if (redisServer is null) return;
        var port = FreePort.Get();
        var start = new ProcessStartInfo(redisServer) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", port.ToString(), "--save", "", "--appendonly", "no" })
            start.ArgumentList.Add(arg);
        using var redis = Process.Start(start)!;
        try
        {
            var accepting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            redis.OutputDataReceived += (_, line) => { if (line.Data?.Contains("Ready to accept connections") == true) accepting.TrySetResult(); };
            redis.BeginOutputReadLine();
            redis.BeginErrorReadLine();
            await accepting.Task.WaitAsync(TimeSpan.FromSeconds(20));

            await using var jwks = await JwksHost.StartAsync(new TokenIssuer(SigningKey.CreateEphemeral(), TimeProvider.System));
            await using var tracker = await TrackerNode.StartAsync(jwks.JwksUrl, TimeProvider.System,
                $"--Tracker:Redis=127.0.0.1:{port},connectTimeout=1000,syncTimeout=1000", $"--Tracker:RedisKeyPrefix={TestRedis.FreshPrefix()}");
            using (var ready = await tracker.Http.GetAsync("healthz/ready"))
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            tracker.Errors.Expect("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService");

            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            tracker.App.Services.GetRequiredService<IConnectionMultiplexer>().ConnectionFailed += (_, _) => lost.TrySetResult();
            redis.Kill(entireProcessTree: true);
            await redis.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await lost.Task.WaitAsync(TimeSpan.FromSeconds(20));

            using (var ready = await tracker.Http.GetAsync("healthz/ready"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
            }
            using var whole = await tracker.Http.GetAsync("healthz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, whole.StatusCode);
            using var live = await tracker.Http.GetAsync("healthz/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            if (!redis.HasExited) redis.Kill(entireProcessTree: true);
        }
    }
}
