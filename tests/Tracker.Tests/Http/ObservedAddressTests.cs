using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Text;
using System.Text.Json;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Tracker.Input;
using Spotify.Rx.Tracker.Routes;
using Spotify.Rx.Tracker.Tests.Support;

namespace Spotify.Rx.Tracker.Tests.Http;

/// <summary>
/// The endpoint the tracker records is one other hosts can dial: the address a registration comes
/// from when it names none, X-Forwarded-For only from a trusted proxy, no loopback from elsewhere.
/// </summary>
public sealed class ObservedAddressTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TokenIssuer _issuer = null!;
    private JwksHost _jwks = null!;

    public async Task InitializeAsync()
    {
        _issuer = new TokenIssuer(SigningKey.CreateEphemeral(), _clock);
        _jwks = await JwksHost.StartAsync(_issuer);
    }

    public async Task DisposeAsync() => await _jwks.DisposeAsync();

    private string TokenFor(string peerId) => _issuer.Issue("user-" + peerId, peerId, TimeSpan.FromHours(1));

    private async Task<(HttpStatusCode Status, string Body)> Register(TrackerNode tracker, string endpoint, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "tracks/t1/peers/alice")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { endpoint }), Encoding.UTF8, "application/json"),
            Headers = { Authorization = new("Bearer", TokenFor("alice")) },
        };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await tracker.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> Recorded(TrackerNode tracker) => Assert.Single(await tracker.PeersAsync(TokenFor("bob"), "t1")).Endpoint;

    [Theory]
    [InlineData("0.0.0.0:4000")]
    [InlineData("[::]:4000")]
    [InlineData(":4000")]
    public async Task A_registration_naming_no_host_is_recorded_at_the_address_it_comes_from(string endpoint)
    {
        await using var tracker = await TrackerNode.StartAsync(_jwks.JwksUrl, _clock);

        var (status, body) = await Register(tracker, endpoint);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("127.0.0.1:4000", JsonSerializer.Deserialize<PeerRegistered>(body, JsonSerializerOptions.Web)!.Endpoint);
        Assert.Equal("127.0.0.1:4000", await Recorded(tracker));
    }

    [Fact]
    public async Task X_Forwarded_For_from_a_connection_that_is_no_trusted_proxy_is_ignored()
    {
        await using var tracker = await TrackerNode.StartAsync(_jwks.JwksUrl, _clock);

        var (status, _) = await Register(tracker, "0.0.0.0:4000", forwardedFor: "198.51.100.9");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("127.0.0.1:4000", await Recorded(tracker));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_client_is_the_last_forwarded_address_that_is_no_proxy()
    {
        await using var tracker = await TrackerNode.StartAsync(_jwks.JwksUrl, _clock,
            "--Tracker:TrustedProxies:0=127.0.0.1", "--Tracker:TrustedProxies:1=192.0.2.1");

        // A client may put anything left of what the proxies append; only the proxies' own entries count.
        var (status, _) = await Register(tracker, "0.0.0.0:4000", forwardedFor: "203.0.113.66, 198.51.100.9, 192.0.2.1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("198.51.100.9:4000", await Recorded(tracker));
    }

    [Theory]
    [InlineData("127.0.0.1:4000")]
    [InlineData("[::1]:4000")]
    [InlineData("localhost:4000")]
    public async Task A_loopback_endpoint_from_another_host_is_refused_with_the_reason(string endpoint)
    {
        await using var tracker = await TrackerNode.StartAsync(_jwks.JwksUrl, _clock, "--Tracker:TrustedProxies:0=127.0.0.1");

        var (status, body) = await Register(tracker, endpoint, forwardedFor: "198.51.100.9");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("loopback address but the registration comes from 198.51.100.9", body);
        Assert.Empty(await tracker.PeersAsync(TokenFor("bob"), "t1"));
    }

    [Fact]
    public async Task An_advertised_endpoint_is_recorded_as_given()
    {
        await using var tracker = await TrackerNode.StartAsync(_jwks.JwksUrl, _clock, "--Tracker:TrustedProxies:0=127.0.0.1");

        var (status, _) = await Register(tracker, "203.0.113.7:6881", forwardedFor: "198.51.100.9");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("203.0.113.7:6881", await Recorded(tracker));
    }

    [Fact]
    public async Task A_forwarded_entry_that_is_no_address_is_refused_with_the_reason()
    {
        await using var tracker = await TrackerNode.StartAsync(_jwks.JwksUrl, _clock, "--Tracker:TrustedProxies:0=127.0.0.1");

        var (status, body) = await Register(tracker, "0.0.0.0:4000", forwardedFor: "not-an-ip");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("X-Forwarded-For entry 'not-an-ip'", body);
    }

    [Fact]
    public void An_IPv6_client_is_recorded_in_brackets_and_a_mapped_IPv4_one_as_IPv4()
    {
        var observed = new ObservedEndpoint([]);
        Assert.Equal(("[2001:db8::5]:4000", (string?)null), ObservedEndpoint.Resolve("[::]:4000", IPAddress.Parse("2001:db8::5")));
        Assert.Equal(IPAddress.Parse("10.0.0.3"), observed.Client(IPAddress.Parse("::ffff:10.0.0.3"), null).Address);
    }

    [Fact]
    public async Task Trusted_proxies_that_are_not_addresses_stop_the_start_with_the_reason()
    {
        var start = TrackerNode.StartAsync(_jwks.JwksUrl, _clock, "--Tracker:TrustedProxies:0=proxy.example");

        var e = await Assert.ThrowsAnyAsync<Exception>(() => start);

        Assert.Contains("Tracker:TrustedProxies must be IP addresses", e.Message);
    }
}
