using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Tracker.Routes;
using Spotify.Rx.Tracker.Store;
using Spotify.Rx.Tracker.Tests.Support;

namespace Spotify.Rx.Tracker.Tests.Http;

/// <summary>The real tracker on 127.0.0.1, its keys from a real JWKS endpoint, spoken to over HTTP.</summary>
public sealed class TrackerHttpTests : IAsyncLifetime
{
    // Starts at the real time: Redis key TTLs run on Redis's own clock and must not lapse mid-test.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TokenIssuer _issuer = null!;
    private JwksHost _jwks = null!;
    private TrackerNode _tracker = null!;

    public async Task InitializeAsync()
    {
        _issuer = new TokenIssuer(SigningKey.CreateEphemeral(), _clock);
        _jwks = await JwksHost.StartAsync(_issuer);
        _tracker = await TrackerNode.StartAsync(_jwks.JwksUrl, _clock);
    }

    public async Task DisposeAsync()
    {
        await _tracker.DisposeAsync();
        await _jwks.DisposeAsync();
    }

    private string TokenFor(string peerId) => _issuer.Issue("user-" + peerId, peerId, TimeSpan.FromHours(1));

    private static async Task<string> ReasonOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    private async Task RegisterOk(string peerId, string trackId, string endpoint)
    {
        using var response = await _tracker.RegisterAsync(TokenFor(peerId), trackId, peerId, endpoint);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_peer_registered_by_one_client_is_found_by_another()
    {
        using var response = await _tracker.RegisterAsync(TokenFor("alice"), "night-drive", "alice", "127.0.0.1:41000");
        var registered = await response.Content.ReadFromJsonAsync<PeerRegistered>();

        Assert.Equal(new PeerRegistered("night-drive", "alice", "127.0.0.1:41000", _clock.GetUtcNow().AddSeconds(60)), registered);
        var peers = await _tracker.PeersAsync(TokenFor("bob"), "night-drive");
        Assert.Equal([new("alice", "127.0.0.1:41000")], peers);
    }

    [Fact]
    public async Task A_lookup_never_returns_the_caller()
    {
        await RegisterOk("alice", "t1", "127.0.0.1:41000");
        await RegisterOk("bob", "t1", "127.0.0.1:41001");

        Assert.Equal(["bob"], (await _tracker.PeersAsync(TokenFor("alice"), "t1")).Select(p => p.PeerId));
        Assert.Equal(["alice"], (await _tracker.PeersAsync(TokenFor("bob"), "t1")).Select(p => p.PeerId));
    }

    [Fact]
    public async Task A_track_nobody_has_is_answered_with_no_peers()
    {
        Assert.Empty(await _tracker.PeersAsync(TokenFor("alice"), "unheard-of"));
    }

    [Fact]
    public async Task Lookups_return_ten_peers_drawn_from_the_twenty_most_recent()
    {
        for (var n = 0; n < 30; n++)
        {
            await RegisterOk($"peer-{n}", "hit", $"10.0.0.{n + 1}:4000");
            _clock.Advance(TimeSpan.FromMilliseconds(5));
        }
        var twentyMostRecent = Enumerable.Range(10, 20).Select(n => $"peer-{n}").ToHashSet();
        var seen = new HashSet<string>();

        for (var i = 0; i < 20; i++)
        {
            var peers = (await _tracker.PeersAsync(TokenFor("listener"), "hit")).Select(p => p.PeerId).ToArray();
            Assert.Equal(10, peers.Distinct().Count());
            Assert.Subset(twentyMostRecent, peers.ToHashSet());
            seen.UnionWith(peers);
        }

        // Random draws, not always the newest ten: twenty lookups reach (nearly) all twenty peers.
        Assert.True(seen.Count > 15, $"only {seen.Count} distinct peers in 20 lookups");
    }

    [Fact]
    public async Task A_registration_lapses_after_its_lifetime_unless_renewed()
    {
        await RegisterOk("alice", "t1", "127.0.0.1:41000");
        await RegisterOk("bob", "t1", "127.0.0.1:41001");
        _clock.Advance(TimeSpan.FromSeconds(40));
        await RegisterOk("bob", "t1", "127.0.0.1:41001");

        _clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(["bob"], (await _tracker.PeersAsync(TokenFor("carol"), "t1")).Select(p => p.PeerId));
    }

    [Fact]
    public async Task A_flood_of_registrations_for_one_track_keeps_the_cap_of_twenty()
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, _) =>
        {
            using var response = await _tracker.RegisterAsync(TokenFor($"flood-{n}"), "flooded", $"flood-{n}", $"10.1.{n / 250}.{n % 250 + 1}:4000");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });

        var store = _tracker.App.Services.GetRequiredService<ITrackerStore>();
        Assert.Equal(20, await store.StoredCountAsync("flooded"));
        Assert.Equal(10, (await _tracker.PeersAsync(TokenFor("listener"), "flooded")).Count);
    }

    [Fact]
    public async Task Registering_under_another_peers_id_is_forbidden_with_the_reason()
    {
        using var response = await _tracker.RegisterAsync(TokenFor("mallory"), "t1", "alice", "127.0.0.1:41000");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("token is for peer 'mallory', not for peer 'alice'", await ReasonOf(response));
        Assert.Empty(await _tracker.PeersAsync(TokenFor("bob"), "t1"));
    }

    [Fact]
    public async Task Removing_another_peers_registration_is_forbidden_and_leaves_it_listed()
    {
        await RegisterOk("alice", "t1", "127.0.0.1:41000");

        using var response = await _tracker.RemoveAsync(TokenFor("mallory"), "t1", "alice");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("may register or remove only itself", await ReasonOf(response));
        Assert.Single(await _tracker.PeersAsync(TokenFor("bob"), "t1"));
    }

    [Fact]
    public async Task A_removed_registration_is_gone_from_lookups()
    {
        await RegisterOk("alice", "t1", "127.0.0.1:41000");

        using var response = await _tracker.RemoveAsync(TokenFor("alice"), "t1", "alice");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await _tracker.PeersAsync(TokenFor("bob"), "t1"));
    }

    [Fact]
    public async Task Removing_a_registration_that_does_not_exist_is_not_found_with_the_reason()
    {
        using var response = await _tracker.RemoveAsync(TokenFor("alice"), "t1", "alice");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("peer 'alice' is not registered for track 't1'", await ReasonOf(response));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_request_without_a_token_is_unauthorized_with_the_reason(string method)
    {
        var path = method == "GET" ? "tracks/t1/peers" : "tracks/t1/peers/alice";
        var body = method == "PUT" ? JsonContent.Create(new { endpoint = "127.0.0.1:41000" }) : null;

        using var response = await _tracker.SendAsync(new HttpMethod(method), path, token: null, body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.StartsWith("no token", await ReasonOf(response));
    }

    [Fact]
    public async Task A_token_signed_by_a_key_the_main_server_never_published_is_unauthorized()
    {
        var forger = new TokenIssuer(SigningKey.CreateEphemeral(), _clock);

        using var response = await _tracker.RegisterAsync(forger.Issue("mallory", "alice", TimeSpan.FromHours(1)), "t1", "alice", "127.0.0.1:41000");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("token signed by an unknown key", await ReasonOf(response));
    }

    [Fact]
    public async Task An_expired_token_is_unauthorized()
    {
        var token = TokenFor("alice");
        _clock.Advance(TimeSpan.FromHours(2));

        using var response = await _tracker.LookupAsync(token, "t1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", await ReasonOf(response));
    }

    [Fact]
    public async Task Tokens_of_a_rotated_key_are_accepted_once_the_main_server_publishes_it()
    {
        await RegisterOk("alice", "t1", "127.0.0.1:41000");
        _jwks.Issuer = _issuer = new TokenIssuer(SigningKey.CreateEphemeral(), _clock);
        // The tracker reads the JWKS again for an unknown key id, but not more often than every few seconds.
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Single(await _tracker.PeersAsync(TokenFor("bob"), "t1"));
    }

    [Theory]
    [InlineData("""{"endpoint":"localhost"}""", "not host:port")]
    [InlineData("""{"endpoint":"localhost:99999"}""", "between 1 and 65535")]
    [InlineData("""{"endpoint":"bad host:4000"}""", "not an IP address or host name")]
    [InlineData("""{"endpoint":""}""", "missing")]
    [InlineData("""{}""", "missing")]
    [InlineData("""null""", "missing")]
    [InlineData("""127.0.0.1:4000""", "not JSON")]
    [InlineData("""{"endpoint":7}""", "not JSON")]
    public async Task A_registration_whose_endpoint_is_not_host_and_port_is_refused_with_the_reason(string body, string reason)
    {
        using var response = await _tracker.SendAsync(HttpMethod.Put, "tracks/t1/peers/alice", TokenFor("alice"),
            new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await ReasonOf(response));
        Assert.Empty(await _tracker.PeersAsync(TokenFor("bob"), "t1"));
    }

    [Fact]
    public async Task A_registration_body_over_a_kilobyte_is_refused()
    {
        var body = JsonSerializer.Serialize(new { endpoint = "127.0.0.1:4000", padding = new string('x', 4000) });

        using var response = await _tracker.SendAsync(HttpMethod.Put, "tracks/t1/peers/alice", TokenFor("alice"),
            new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("over 1024 bytes", await ReasonOf(response));
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("-lead")]
    [InlineData("under_score")]
    [InlineData("x123456789012345678901234567890123456789012345678901234567890abcd")]
    public async Task A_malformed_track_id_is_refused_with_the_reason(string trackId)
    {
        using var lookup = await _tracker.LookupAsync(TokenFor("alice"), trackId);
        using var register = await _tracker.RegisterAsync(TokenFor("alice"), trackId, "alice", "127.0.0.1:41000");

        Assert.Equal(HttpStatusCode.BadRequest, lookup.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, register.StatusCode);
        Assert.Contains($"track id '{trackId}' is malformed", await ReasonOf(register));
    }

    [Fact]
    public async Task A_malformed_peer_id_is_refused_with_the_reason()
    {
        using var response = await _tracker.RemoveAsync(TokenFor("alice"), "t1", "al!ce");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("peer id 'al!ce' is malformed", await ReasonOf(response));
    }

    [Fact]
    public async Task Health_and_metrics_are_served_and_count_the_work()
    {
        await RegisterOk("alice", "t1", "127.0.0.1:41000");
        await _tracker.PeersAsync(TokenFor("bob"), "t1");
        (await _tracker.LookupAsync(null, "t1")).Dispose();

        Assert.Equal("Healthy", await _tracker.Http.GetStringAsync("healthz"));
        var metrics = await _tracker.Http.GetStringAsync("metrics");
        Assert.Contains("http_request_duration_seconds_count{code=\"2xx\",method=\"PUT\",controller=\"\",action=\"\",endpoint=\"/tracks/{trackId}/peers/{peerId}\"} 1", metrics);
        Assert.Contains("http_request_duration_seconds_bucket{", metrics);
        Assert.Contains("tracker_registrations_total 1", metrics);
        Assert.Contains("tracker_lookups_total 1", metrics);
        Assert.Contains("tracker_peers_returned_total 1", metrics);
        Assert.Contains("tracker_refusals_total{status=\"401\"} 1", metrics);
    }
}
