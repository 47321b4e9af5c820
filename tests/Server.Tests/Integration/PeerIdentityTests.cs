using System.Net;
using System.Net.Http.Json;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Common.Contracts;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>
/// Peer ids belong to accounts: the server signs only <c>account.device</c> for the account that
/// logged in, so nobody obtains a token for someone else's peer id.
/// </summary>
[Collection(ServerCollection.Name)]
public class PeerIdentityTests(ServerFixture server)
{
    private async Task<HttpResponseMessage> AskAsync(string user, string password, string peerId)
    {
        using var http = server.Client();
        return await http.PostAsJsonAsync("/auth/token", new TokenRequest(user, password, peerId));
    }

    private async Task<PeerIdentity> IdentityOf(TokenResponse issued)
    {
        using var http = server.Client();
        var keys = new JwksKeySource(http, new Uri(server.BaseAddress, "/.well-known/jwks.json"), TimeProvider.System);
        var check = await new TokenValidator(keys, TimeProvider.System).ValidateAsync(issued.Token);
        Assert.True(check.IsValid, check.Error);
        return check.Identity!;
    }

    [Theory]
    [InlineData("alice.laptop")]
    [InlineData("alice.peer-alice")]
    public async Task Another_accounts_peer_id_is_refused_at_token_issue_with_the_reason(string alicesPeer)
    {
        var response = await AskAsync(ServerFixture.OtherUser, ServerFixture.OtherPassword, alicesPeer);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal($"peer id '{alicesPeer}' belongs to account 'alice'", await Http.ProblemDetailAsync(response));
        server.Errors.AssertEmpty("the server");
    }

    [Theory]
    [InlineData("laptop", "alice.laptop")]
    [InlineData("alice.laptop", "alice.laptop")]
    public async Task A_device_name_is_signed_under_the_callers_own_account(string asked, string signed)
    {
        var response = await AskAsync(ServerFixture.User, ServerFixture.Password, asked);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issued = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;

        Assert.Equal(signed, issued.PeerId);
        Assert.Equal(signed, (await IdentityOf(issued)).PeerId);
    }

    [Fact]
    public async Task The_same_device_name_under_two_accounts_is_two_peers()
    {
        var alice = (await (await AskAsync(ServerFixture.User, ServerFixture.Password, "phone")).Content.ReadFromJsonAsync<TokenResponse>())!;
        var bob = (await (await AskAsync(ServerFixture.OtherUser, ServerFixture.OtherPassword, "phone")).Content.ReadFromJsonAsync<TokenResponse>())!;

        Assert.Equal(("alice.phone", "bob.phone"), (alice.PeerId, bob.PeerId));
        Assert.Equal(("alice", "bob"), ((await IdentityOf(alice)).User, (await IdentityOf(bob)).User));
    }

    [Fact]
    public async Task Many_clients_under_one_account_get_distinct_peer_ids()
    {
        var ids = new List<string>();
        foreach (var n in Enumerable.Range(1, 20))
        {
            var response = await AskAsync(ServerFixture.User, ServerFixture.Password, $"client-{n:00}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ids.Add((await IdentityOf((await response.Content.ReadFromJsonAsync<TokenResponse>())!)).PeerId);
        }
        Assert.Equal(20, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal("alice", PeerIds.AccountOf(id)));
    }

    [Theory]
    [InlineData("x\n")]
    [InlineData("x\r\n")]
    [InlineData("a b")]
    [InlineData("alice.a.b")]
    [InlineData(".x")]
    [InlineData("x.")]
    [InlineData("../etc")]
    [InlineData("caf\u00e9")]
    [InlineData("x\u0000")]
    public async Task A_peer_id_outside_the_character_set_is_refused_with_400(string peerId)
    {
        var response = await AskAsync(ServerFixture.User, ServerFixture.Password, peerId);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("A-Z a-z 0-9 _ -", await Http.ProblemDetailAsync(response));
    }

    [Fact]
    public async Task A_device_name_too_long_for_the_account_is_refused_with_400()
    {
        var response = await AskAsync(ServerFixture.User, ServerFixture.Password, new string('d', 60));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("over 64 characters", await Http.ProblemDetailAsync(response));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_before_the_peer_id_is_looked_at()
    {
        // Otherwise a stranger could learn which accounts exist by asking for their peer ids.
        var response = await AskAsync(ServerFixture.OtherUser, "wrong", "alice.laptop");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
