using Microsoft.Extensions.Time.Testing;
using System.Net;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Tracker.Tests.Support;
using Xunit.Abstractions;

namespace Spotify.Rx.Tracker.Tests.Http;

/// <summary>Two tracker instances on one Redis serve one swarm: the path for outgrowing one machine.</summary>
public sealed class SharedRedisTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Starts at the real time: Redis key TTLs run on Redis's own clock and must not lapse mid-test.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly List<IAsyncDisposable> _running = [];
    private TokenIssuer _issuer = null!;
    private TrackerNode? _east;
    private TrackerNode? _west;

    public async Task InitializeAsync()
    {
        var redis = TestRedis.AddressOrExplain(output);
        if (redis is null) return;
        _issuer = new TokenIssuer(SigningKey.CreateEphemeral(), _clock);
        var jwks = await JwksHost.StartAsync(_issuer);
        _running.Add(jwks);
        string[] shared = [$"--Tracker:Redis={redis}", $"--Tracker:RedisKeyPrefix={TestRedis.FreshPrefix()}"];
        _east = await TrackerNode.StartAsync(jwks.JwksUrl, _clock, shared);
        _running.Add(_east);
        _west = await TrackerNode.StartAsync(jwks.JwksUrl, _clock, shared);
        _running.Add(_west);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in Enumerable.Reverse(_running)) await node.DisposeAsync();
    }

    private string TokenFor(string peerId) => _issuer.Issue("user-" + peerId, peerId, TimeSpan.FromHours(1));

    [Fact]
    public async Task A_peer_registered_through_one_tracker_is_found_through_the_other()
    {
        if (_east is null || _west is null) return;

        using var registered = await _east.RegisterAsync(TokenFor("alice"), "night-drive", "alice", "127.0.0.1:41000");

        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal([new("alice", "127.0.0.1:41000")], await _west.PeersAsync(TokenFor("bob"), "night-drive"));
    }

    [Fact]
    public async Task A_removal_through_one_tracker_is_seen_by_the_other()
    {
        if (_east is null || _west is null) return;
        (await _east.RegisterAsync(TokenFor("alice"), "t1", "alice", "127.0.0.1:41000")).Dispose();

        using var removed = await _west.RemoveAsync(TokenFor("alice"), "t1", "alice");

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Empty(await _east.PeersAsync(TokenFor("bob"), "t1"));
    }

    [Fact]
    public async Task Registrations_through_both_trackers_share_one_cap_and_one_lifetime()
    {
        if (_east is null || _west is null) return;
        for (var n = 0; n < 30; n++)
        {
            var via = n % 2 == 0 ? _east : _west;
            (await via.RegisterAsync(TokenFor($"peer-{n}"), "hit", $"peer-{n}", $"10.0.0.{n + 1}:4000")).Dispose();
            _clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        var seenEast = (await _east.PeersAsync(TokenFor("listener"), "hit")).Select(p => p.PeerId);
        Assert.Subset(Enumerable.Range(10, 20).Select(n => $"peer-{n}").ToHashSet(), seenEast.ToHashSet());
        Assert.Equal(10, seenEast.Count());

        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Empty(await _west.PeersAsync(TokenFor("listener"), "hit"));
    }
}
