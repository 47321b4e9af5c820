using Xunit.Abstractions;

namespace Spotify.Rx.Tracker.Tests.Support;

/// <summary>
/// Where the Redis tests find Redis: SPOTIFY_RX_REDIS (host:port), which tools/test.sh sets after starting
/// a private redis-server. In CI a missing Redis fails the tests; locally they return early and say how to run them.
/// </summary>
public static class TestRedis
{
    public const string AddressVariable = "SPOTIFY_RX_REDIS";

    public static string? AddressOrExplain(ITestOutputHelper output)
    {
        var address = Environment.GetEnvironmentVariable(AddressVariable);
        if (!string.IsNullOrWhiteSpace(address)) return address;
        if (Required)
            Assert.Fail($"{AddressVariable} is not set, and the Redis tests must run here (SPOTIFY_RX_REQUIRE_REDIS=1 or CI=true): "
                + "bash tools/test.sh starts a redis-server on 127.0.0.1 and sets it.");
        output.WriteLine($"NOT RUN: this Redis test needs {AddressVariable}. To run it: apt-get install -y redis-server; "
            + "redis-server --port 6390 --save '' --daemonize yes; SPOTIFY_RX_REDIS=127.0.0.1:6390 dotnet test tests/Tracker.Tests");
        return null;
    }

    /// <summary>
    /// The redis-server executable, for a test that needs a Redis of its own to stop; null (after saying how
    /// to run the test) where it is missing and the Redis tests are not required.
    /// </summary>
    public static string? ServerOrExplain(ITestOutputHelper output)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate)) return candidate;
        }
        if (Required)
            Assert.Fail("redis-server is not on PATH, and the Redis tests must run here: apt-get install -y redis-server (bash tools/test.sh does this).");
        output.WriteLine("NOT RUN: this test starts its own redis-server; apt-get install -y redis-server, or run bash tools/test.sh.");
        return null;
    }

    private static bool Required =>
        Environment.GetEnvironmentVariable("SPOTIFY_RX_REQUIRE_REDIS") == "1"
        || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A key prefix no other test run uses, so tests sharing one Redis never see each other's tracks.</summary>
    public static string FreshPrefix() => $"spotify-rx-test:{Guid.NewGuid():N}:";
}
