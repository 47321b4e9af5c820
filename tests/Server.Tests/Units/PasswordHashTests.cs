using Spotify.Rx.Server.Accounts;

namespace Spotify.Rx.Server.Tests.Units;

public class PasswordHashTests
{
    [Fact]
    public void A_hash_verifies_its_own_password_and_no_other()
    {
        var hash = PasswordHash.Create("correct horse", iterations: 10_000);
        Assert.True(PasswordHash.Verify("correct horse", hash));
        Assert.False(PasswordHash.Verify("correct horsE", hash));
        Assert.False(PasswordHash.Verify("", hash));
    }

    [Fact]
    public void The_same_password_hashes_differently_each_time_because_of_the_salt()
    {
        var a = PasswordHash.Create("pw", iterations: 10_000);
        var b = PasswordHash.Create("pw", iterations: 10_000);
        Assert.NotEqual(a, b);
        Assert.True(PasswordHash.Verify("pw", a) && PasswordHash.Verify("pw", b));
    }

    [Fact]
    public void A_hash_names_its_scheme_and_never_contains_the_password()
    {
        var hash = PasswordHash.Create("hunter2hunter2", iterations: 10_000);
        Assert.StartsWith("pbkdf2-sha256$10000$", hash);
        Assert.DoesNotContain("hunter2", hash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("demo")]
    [InlineData("pbkdf2-sha256$10$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("md5$1000$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("pbkdf2-sha256$10000$not base64$AAAA")]
    public void Anything_but_a_well_formed_hash_is_not_accepted_as_one(string text)
    {
        Assert.False(PasswordHash.IsWellFormed(text));
        Assert.False(PasswordHash.Verify("demo", text));
    }
}
