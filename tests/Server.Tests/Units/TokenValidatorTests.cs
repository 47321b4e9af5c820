using Microsoft.Extensions.Time.Testing;
using Spotify.Rx.Common.Auth;

namespace Spotify.Rx.Server.Tests.Units;

public class TokenValidatorTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_token_from_the_issuer_validates_to_its_user_and_peer_until_it_expires()
    {
        var clock = new FakeTimeProvider(Noon);
        var key = SigningKey.CreateEphemeral();
        var token = new TokenIssuer(key, clock).Issue("alice", "peer-1", TimeSpan.FromMinutes(10));
        var validator = new TokenValidator(new StaticKeySource(key), clock);

        var check = await validator.ValidateAsync(token);
        Assert.Equal(new PeerIdentity("alice", "peer-1", Noon.AddMinutes(10)), check.Identity);
        Assert.True(validator.TryGetCached(token, out var cached));
        Assert.Equal("alice", cached.User);

        clock.SetUtcNow(Noon.AddMinutes(10));
        Assert.False(validator.TryGetCached(token, out _));
        Assert.Equal("token expired", (await validator.ValidateAsync(token)).Error);
    }

    [Fact]
    public async Task An_expired_token_is_refused_as_expired_the_first_time_it_is_seen()
    {
        var key = SigningKey.CreateEphemeral();
        var token = new TokenIssuer(key, new FakeTimeProvider(Noon.AddHours(-2))).Issue("alice", "p", TimeSpan.FromHours(1));
        var check = await new TokenValidator(new StaticKeySource(key), new FakeTimeProvider(Noon)).ValidateAsync(token);
        Assert.Equal("token expired", check.Error);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_refused_even_after_asking_the_key_source_again()
    {
        var clock = new FakeTimeProvider(Noon);
        var token = new TokenIssuer(SigningKey.CreateEphemeral(), clock).Issue("mallory", "p", TimeSpan.FromHours(1));
        var asked = new List<bool>();
        var source = new RecordingSource(SigningKey.CreateEphemeral(), asked);
        var check = await new TokenValidator(source, clock).ValidateAsync(token);
        Assert.Equal("token signed by an unknown key", check.Error);
        Assert.Equal([false, true], asked);
    }

    [Fact]
    public async Task A_token_whose_payload_was_changed_fails_its_signature()
    {
        var clock = new FakeTimeProvider(Noon);
        var key = SigningKey.CreateEphemeral();
        var token = new TokenIssuer(key, clock).Issue("alice", "p", TimeSpan.FromHours(1));
        var parts = token.Split('.');
        var payload = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]).Replace("alice", "admin");
        var forged = $"{parts[0]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        var check = await new TokenValidator(new StaticKeySource(key), clock).ValidateAsync(forged);
        Assert.False(check.IsValid);
        Assert.Equal("token signature invalid", check.Error);
    }

    [Theory]
    [InlineData(null, "no token")]
    [InlineData("", "no token")]
    [InlineData("not-a-jwt", "token malformed")]
    public async Task Something_that_is_not_a_token_is_refused_with_a_reason(string? token, string reason)
    {
        var key = SigningKey.CreateEphemeral();
        var check = await new TokenValidator(new StaticKeySource(key), new FakeTimeProvider(Noon)).ValidateAsync(token);
        Assert.Equal(reason, check.Error);
    }

    [Fact]
    public void A_key_file_created_on_first_start_gives_the_same_key_on_the_next()
    {
        var path = Path.Combine(Path.GetTempPath(), "spotify-rx-key-" + Guid.NewGuid().ToString("N"), "k.pem");
        try
        {
            var first = SigningKey.LoadOrCreate(path);
            var second = SigningKey.LoadOrCreate(path);
            Assert.Equal(first.KeyId, second.KeyId);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, true); }
    }

    private sealed class RecordingSource(Microsoft.IdentityModel.Tokens.SecurityKey key, List<bool> asked) : ISigningKeySource
    {
        public ValueTask<IReadOnlyList<Microsoft.IdentityModel.Tokens.SecurityKey>> GetKeysAsync(bool forceRefresh, CancellationToken ct)
        {
            asked.Add(forceRefresh);
            return new([key]);
        }
    }
}

public class JwksKeySourceTests
{
    private sealed class CountingJwks(Func<string> body) : HttpMessageHandler
    {
        public int Requests;
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref Requests);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(body()) });
        }
    }

    [Fact]
    public async Task Tokens_naming_unknown_keys_make_at_most_one_key_refresh_per_interval()
    {
        var key = SigningKey.CreateEphemeral();
        var jwks = new CountingJwks(() => new TokenIssuer(key, TimeProvider.System).JwksJson());
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var source = new JwksKeySource(new HttpClient(jwks), new Uri("http://server/.well-known/jwks.json"), clock, TimeSpan.FromSeconds(5));
        var validator = new TokenValidator(source, clock);
        var good = new TokenIssuer(key, clock).Issue("alice", "p", TimeSpan.FromHours(1));

        Assert.True((await validator.ValidateAsync(good)).IsValid);
        Assert.Equal(1, jwks.Requests);

        for (int i = 0; i < 20; i++)
        {
            var forged = new TokenIssuer(SigningKey.CreateEphemeral(), clock).Issue("mallory", "p", TimeSpan.FromHours(1));
            Assert.Equal("token signed by an unknown key", (await validator.ValidateAsync(forged)).Error);
        }
        Assert.Equal(1, jwks.Requests);

        clock.Advance(TimeSpan.FromSeconds(6));
        var another = new TokenIssuer(SigningKey.CreateEphemeral(), clock).Issue("mallory", "p", TimeSpan.FromHours(1));
        Assert.False((await validator.ValidateAsync(another)).IsValid);
        Assert.Equal(2, jwks.Requests);
    }

    [Fact]
    public async Task A_key_set_that_cannot_be_read_refuses_the_token_with_a_reason_instead_of_throwing()
    {
        var source = new JwksKeySource(new HttpClient(new CountingJwks(() => "not json")), new Uri("http://server/jwks"), TimeProvider.System);
        var token = new TokenIssuer(SigningKey.CreateEphemeral(), TimeProvider.System).Issue("alice", "p", TimeSpan.FromHours(1));
        var check = await new TokenValidator(source, TimeProvider.System).ValidateAsync(token);
        Assert.StartsWith("signing keys unavailable", check.Error);
    }
}
