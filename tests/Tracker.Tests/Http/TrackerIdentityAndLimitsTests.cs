using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Tracker.Tests.Support;

namespace Spotify.Rx.Tracker.Tests.Http;

/// <summary>
/// What one token can do at the tracker: act for its own peer id only, hold a bounded number of
/// registrations, and never turn a malformed request into a 500 or an error in the log
/// (<see cref="TrackerNode"/> fails the test on any fail:/crit: line).
/// </summary>
public sealed class TrackerIdentityAndLimitsTests : IAsyncLifetime
{
    private const int Cap = 3;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TokenIssuer _issuer = null!;
    private JwksHost _jwks = null!;
    private TrackerNode _tracker = null!;

    public async Task InitializeAsync()
    {
        _issuer = new TokenIssuer(SigningKey.CreateEphemeral(), _clock);
        _jwks = await JwksHost.StartAsync(_issuer);
        _tracker = await TrackerNode.StartAsync(_jwks.JwksUrl, _clock, $"--Tracker:TracksPerPeer={Cap}");
    }

    public async Task DisposeAsync()
    {
        await _tracker.DisposeAsync();
        await _jwks.DisposeAsync();
    }

    // As the main server signs them: account.device for the account that logged in.
    private string TokenFor(string peerId) => _issuer.Issue(PeerIds.AccountOf(peerId)!, peerId, TimeSpan.FromHours(1));

    private static async Task<string> ReasonOf(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task A_token_registers_and_removes_its_own_peer_id_only_not_another_accounts()
    {
        var alice = TokenFor("alice.laptop");
        using (var own = await _tracker.RegisterAsync(alice, "t1", "alice.laptop", "127.0.0.1:41000"))
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        using (var bobs = await _tracker.RegisterAsync(alice, "t1", "bob.laptop", "127.0.0.1:41001"))
            Assert.Equal(HttpStatusCode.Forbidden, bobs.StatusCode);
        using (var sameAccountOtherDevice = await _tracker.RegisterAsync(alice, "t1", "alice.phone", "127.0.0.1:41002"))
            Assert.Equal(HttpStatusCode.Forbidden, sameAccountOtherDevice.StatusCode);

        using var removal = await _tracker.RemoveAsync(TokenFor("bob.laptop"), "t1", "alice.laptop");
        Assert.Equal(HttpStatusCode.Forbidden, removal.StatusCode);
        Assert.Equal(["alice.laptop"], (await _tracker.PeersAsync(TokenFor("bob.laptop"), "t1")).Select(p => p.PeerId));
    }

    [Theory]
    [InlineData("tracks/t1/peers/alice.laptop%0A", "peer id")]
    [InlineData("tracks/t1%0A/peers/alice.laptop", "track id")]
    [InlineData("tracks/t1/peers/alice.lap.top", "peer id")]
    public async Task An_id_with_a_trailing_newline_or_an_extra_part_is_refused(string path, string reason)
    {
        using var response = await _tracker.SendAsync(HttpMethod.Put, path, TokenFor("alice.laptop"),
            new StringContent("{\"endpoint\":\"127.0.0.1:41000\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await ReasonOf(response));
    }

    [Fact]
    public async Task A_peer_past_its_cap_of_registrations_gets_429_with_the_reason_until_one_goes()
    {
        var token = TokenFor("alice.laptop");
        for (var n = 0; n < Cap; n++)
            using (var ok = await _tracker.RegisterAsync(token, $"held-{n}", "alice.laptop", "127.0.0.1:41000"))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        using (var refused = await _tracker.RegisterAsync(token, "made-up", "alice.laptop", "127.0.0.1:41000"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal($"peer 'alice.laptop' already holds {Cap} registrations, the most one peer may: remove one or let one expire", await ReasonOf(refused));
        }
        Assert.Empty(await _tracker.PeersAsync(TokenFor("bob.phone"), "made-up"));
        using (var renewal = await _tracker.RegisterAsync(token, "held-0", "alice.laptop", "127.0.0.1:41000"))
            Assert.Equal(HttpStatusCode.OK, renewal.StatusCode);

        _clock.Advance(TimeSpan.FromSeconds(61));
        using var later = await _tracker.RegisterAsync(token, "made-up", "alice.laptop", "127.0.0.1:41000");
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Theory]
    [InlineData("FFFFFFFFFFFFFFFFFFFF")]
    [InlineData("zz")]
    public async Task A_chunked_registration_with_a_broken_chunk_size_is_refused_with_400(string size)
    {
        var (status, text) = await RawAsync(
            $"PUT /tracks/t1/peers/alice.laptop HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TokenFor("alice.laptop")}\r\n"
            + $"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{size}\r\n{{\"endpoint\":\r\n0\r\n\r\n");

        Assert.Equal(400, status);
        Assert.Contains("chunk", text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("X-Note: a\u0001b")]
    [InlineData("User-Agent: probe\u007f")]
    public async Task A_header_holding_a_control_character_is_refused_with_400(string header)
    {
        var (status, text) = await RawAsync(
            $"GET /tracks/t1/peers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TokenFor("alice.laptop")}\r\n{header}\r\nConnection: close\r\n\r\n");

        Assert.Equal(400, status);
        Assert.Contains("control character", text);
    }

    /// <summary>Sends bytes as given and reads until the tracker closes or a response is complete enough to judge.</summary>
    private async Task<(int Status, string Text)> RawAsync(string request)
    {
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await tcp.ConnectAsync(IPAddress.Loopback, _tracker.Http.BaseAddress!.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
        var text = new StringBuilder();
        var buffer = new byte[8192];
        while (true)
        {
            int n;
            try { n = await stream.ReadAsync(buffer, timeout.Token); }
            catch (IOException) { break; }
            if (n == 0) break;
            text.Append(Encoding.Latin1.GetString(buffer, 0, n));
            var s = text.ToString();
            var headEnd = s.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd > 0 && (s.EndsWith("}", StringComparison.Ordinal) || s.EndsWith("0\r\n\r\n", StringComparison.Ordinal))) break;
        }
        var all = text.ToString();
        return (int.Parse(all.Split(' ')[1]), all);
    }
}
