using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Common.Contracts;

namespace Spotify.Rx.Server.Tests.Integration;

[Collection(ServerCollection.Name)]
public class AuthTests(ServerFixture server)
{
    [Fact]
    public async Task The_right_password_gets_a_token_for_the_user_and_peer_that_the_published_key_validates()
    {
        using var http = server.Client();
        var response = await http.PostAsJsonAsync("/auth/token", new TokenRequest(ServerFixture.User, ServerFixture.Password, "peer-7"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issued = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;

        // Validated the way the tracker and the peers do: through the JWKS, without the private key.
        var keys = new JwksKeySource(http, new Uri(server.BaseAddress, "/.well-known/jwks.json"), TimeProvider.System);
        var check = await new TokenValidator(keys, TimeProvider.System).ValidateAsync(issued.Token);
        Assert.Equal(new PeerIdentity(ServerFixture.User, "alice.peer-7", issued.Expires), check.Identity);
        Assert.Equal("alice.peer-7", issued.PeerId);
        Assert.InRange(issued.Expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task The_published_key_set_holds_only_the_public_half_of_the_key()
    {
        using var http = server.Client();
        var jwks = await http.GetStringAsync("/.well-known/jwks.json");
        var key = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(jwks).Keys.Single();
        Assert.Equal("EC", key.Kty);
        Assert.Equal("P-256", key.Crv);
        Assert.Null(key.D);
        Assert.DoesNotContain("\"d\"", jwks);
    }

    [Theory]
    [InlineData(ServerFixture.User, "wrong")]
    [InlineData("nobody", ServerFixture.Password)]
    [InlineData("demo", "demo")]
    public async Task A_wrong_user_or_password_gets_401_with_a_reason(string user, string password)
    {
        using var http = server.Client();
        var response = await http.PostAsJsonAsync("/auth/token", new TokenRequest(user, password, "p"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("wrong user or password", await Http.ProblemDetailAsync(response));
    }

    [Theory]
    [InlineData("{\"user\":\"alice\",\"password\":\"wonderland\",\"peerId\":\"../etc\"}", "peerId")]
    [InlineData("{\"user\":\"alice\",\"password\":\"wonderland\"}", "peerId")]
    [InlineData("{\"user\":\"alice\"", "JSON")]
    [InlineData("{}", "required")]
    public async Task A_token_request_that_is_not_well_formed_gets_400_with_a_reason(string body, string reasonMentions)
    {
        using var http = server.Client();
        var response = await http.PostAsync("/auth/token", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reasonMentions, await Http.ProblemDetailAsync(response));
    }

    [Fact]
    public async Task A_track_request_without_a_token_gets_401_naming_the_bearer_scheme()
    {
        using var http = server.Client();
        foreach (var path in new[] { "/tracks", "/tracks/aurora-1", "/tracks/aurora-1/audio" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("no bearer token", await Http.ProblemDetailAsync(response));
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task A_token_that_has_expired_gets_401_saying_so()
    {
        // Signed with the server's own key, but issued two hours ago for one hour.
        var key = SigningKey.LoadOrCreate(server.KeyFile);
        var expired = new TokenIssuer(key, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2))).Issue(ServerFixture.User, "p", TimeSpan.FromHours(1));
        await AssertRefused(expired, "token expired");
    }

    [Fact]
    public async Task A_token_whose_claims_were_changed_gets_401_for_its_signature()
    {
        var parts = server.Token.Split('.');
        var payload = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]).Replace(ServerFixture.User, "admin");
        var tampered = $"{parts[0]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        await AssertRefused(tampered, "token signature invalid");
    }

    [Fact]
    public async Task A_token_signed_by_another_key_gets_401()
    {
        var forged = new TokenIssuer(SigningKey.CreateEphemeral(), TimeProvider.System).Issue(ServerFixture.User, "p", TimeSpan.FromHours(1));
        await AssertRefused(forged, "token signed by an unknown key");
    }

    [Fact]
    public async Task Something_that_is_not_a_jwt_gets_401()
    {
        await AssertRefused("abc.def.ghi", "token malformed");
        using var http = server.Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "YWxpY2U6d29uZGVybGFuZA==");
        var response = await http.GetAsync("/tracks/aurora-1/audio");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Authorization is not a bearer token", await Http.ProblemDetailAsync(response));
    }

    private async Task AssertRefused(string token, string reason)
    {
        using var http = server.Client(token);
        foreach (var path in new[] { "/tracks/aurora-1/audio", "/tracks/aurora-1" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(reason, await Http.ProblemDetailAsync(response));
        }
    }
}
