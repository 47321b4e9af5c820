using Microsoft.Extensions.Time.Testing;
using FsCheck.Xunit;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Testing;
using Spotify.Rx.Tracker.Tests.Support;

namespace Spotify.Rx.Tracker.Tests.Http;

/// <summary>
/// Whatever bytes a caller puts in a header or a body, the tracker answers with a status below 500
/// and logs no error (checked on every case and when the node stops).
/// </summary>
public sealed class RandomInputPropertyTests : IAsyncLifetime
{
    private static readonly string[] Requests =
        ["PUT /tracks/t1/peers/alice.laptop", "GET /tracks/t1/peers", "DELETE /tracks/t1/peers/alice.laptop", "PUT /tracks/t1/peers/bob.phone", "POST /tracks/t1/peers", "GET /healthz"];

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TokenIssuer _issuer = null!;
    private JwksHost _jwks = null!;
    private TrackerNode _tracker = null!;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _issuer = new TokenIssuer(SigningKey.CreateEphemeral(), _clock);
        _jwks = await JwksHost.StartAsync(_issuer);
        _tracker = await TrackerNode.StartAsync(_jwks.JwksUrl, _clock);
        _token = _issuer.Issue("alice", "alice.laptop", TimeSpan.FromHours(1));
    }

    public async Task DisposeAsync()
    {
        await _tracker.DisposeAsync();
        await _jwks.DisposeAsync();
    }

    [Property(MaxTest = 200)]
    public bool The_tracker_never_answers_a_random_header_or_body_with_a_5xx(byte[] header, byte[] body, int pick, byte framing, bool withToken)
    {
        var line = Requests[(int)((uint)pick % Requests.Length)];
        var request = RawExchange.Request(line[..line.IndexOf(' ')], line[(line.IndexOf(' ') + 1)..], withToken ? _token : null, header ?? [], body ?? [], (BodyFraming)(framing % 3));
        var status = Task.Run(() => RawExchange.StatusAsync(_tracker.Http.BaseAddress!.Port, request, TimeSpan.FromSeconds(10))).GetAwaiter().GetResult();
        _tracker.Errors.AssertEmpty("the tracker");
        Assert.True(status is < 500, $"status {status?.ToString() ?? "none: closed without an answer"}");
        return true;
    }

    [Property(MaxTest = 200)]
    public bool A_random_registration_body_is_refused_with_a_4xx_or_stored(byte[] body, byte framing)
    {
        var request = RawExchange.Request("PUT", "/tracks/t1/peers/alice.laptop", _token, "x"u8.ToArray(), body ?? [], (BodyFraming)(framing % 3));
        var status = Task.Run(() => RawExchange.StatusAsync(_tracker.Http.BaseAddress!.Port, request, TimeSpan.FromSeconds(10))).GetAwaiter().GetResult();
        _tracker.Errors.AssertEmpty("the tracker");
        Assert.True(status is 200 or (>= 400 and < 500), $"status {status?.ToString() ?? "none"}");
        return true;
    }
}
