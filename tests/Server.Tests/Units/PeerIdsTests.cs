using Spotify.Rx.Common.Auth;

namespace Spotify.Rx.Server.Tests.Units;

public class PeerIdsTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("demo.client-01")]
    [InlineData("A_z-0.9")]
    public void Ids_of_the_character_set_are_valid(string id) => Assert.True(PeerIds.IsValid(id));

    [Theory]
    [InlineData("")]
    [InlineData("x\n")]
    [InlineData("demo.x\n")]
    [InlineData("\nx")]
    [InlineData("a.b.c")]
    [InlineData("a..b")]
    [InlineData("a/b")]
    [InlineData("caf\u00e9")]
    public void Anything_else_is_not(string id)
    {
        Assert.False(PeerIds.IsValid(id));
        Assert.False(TokenClaims.IsValidPeerId(id));
    }

    [Fact]
    public void At_most_64_characters()
    {
        Assert.True(PeerIds.IsValid(new string('a', 64)));
        Assert.False(PeerIds.IsValid(new string('a', 65)));
        Assert.False(PeerIds.IsValid("alice." + new string('a', 59)));
    }

    [Theory]
    [InlineData("alice", "laptop", "alice.laptop", null)]
    [InlineData("alice", "alice.laptop", "alice.laptop", null)]
    [InlineData("bob", "alice.laptop", null, "peer id 'alice.laptop' belongs to account 'alice'")]
    [InlineData("a", "a.b.x", null, "peerId must be")]
    [InlineData("a.b", "x", null, "account 'a.b' cannot own peer ids")]
    public void Issue_puts_a_device_under_the_account_and_refuses_another_accounts_id(string user, string asked, string? signed, string? refusal)
    {
        var (peerId, reason) = PeerIds.Issue(user, asked);
        Assert.Equal(signed, peerId);
        if (refusal is null) Assert.Null(reason);
        else Assert.StartsWith(refusal, reason);
    }

    [Fact]
    public void The_account_of_an_id_is_its_first_part()
    {
        Assert.Equal("demo", PeerIds.AccountOf("demo.client-01"));
        Assert.Null(PeerIds.AccountOf("client-01"));
        Assert.Null(PeerIds.AccountOf("demo.x\n"));
        Assert.True(PeerIds.BelongsTo("demo.x", "demo"));
        Assert.False(PeerIds.BelongsTo("demo.x", "dem"));
    }
}
