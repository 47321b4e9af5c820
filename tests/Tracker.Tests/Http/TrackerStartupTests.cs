using Microsoft.Extensions.Options;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Tracker.Tests.Http;

/// <summary>A tracker that could not work refuses to start, and says why.</summary>
public sealed class TrackerStartupTests
{
    private static async Task<Exception> StartFailure(params string[] settings)
    {
        string[] args = ["--urls", $"http://127.0.0.1:{FreePort.Get()}", .. settings];
        await using var app = TrackerApp.Build(args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(timeout.Token));
    }

    [Fact]
    public async Task A_tracker_without_the_main_servers_jwks_address_does_not_start()
    {
        var failure = await StartFailure();

        Assert.Contains("Tracker:JwksUrl", Assert.IsType<OptionsValidationException>(failure).Message);
    }

    [Theory]
    [InlineData("--Tracker:RegistrationLifetime=00:00:00", "RegistrationLifetime")]
    [InlineData("--Tracker:KeepPerTrack=0", "KeepPerTrack")]
    [InlineData("--Tracker:PeersPerLookup=21", "PeersPerLookup")]
    [InlineData("--Tracker:Store=Redis", "Tracker:Redis (host:port) is not set")]
    public async Task Settings_that_cannot_work_stop_the_start_with_the_reason(string setting, string reason)
    {
        var failure = await StartFailure("--Tracker:JwksUrl=http://127.0.0.1:1/.well-known/jwks.json", setting);

        Assert.Contains(reason, Assert.IsType<OptionsValidationException>(failure).Message);
    }

    [Fact]
    public async Task A_redis_that_does_not_answer_stops_the_start()
    {
        var failure = await StartFailure("--Tracker:JwksUrl=http://127.0.0.1:1/.well-known/jwks.json",
            $"--Tracker:Redis=127.0.0.1:{FreePort.Get()},connectTimeout=300");

        Assert.IsType<StackExchange.Redis.RedisConnectionException>(failure);
    }
}
