using Microsoft.Extensions.Options;

namespace Spotify.Rx.Server.Accounts;

/// <summary>The users who may ask for a token, from configuration.</summary>
public sealed class AccountStore
{
    public const string DemoUser = "demo", DemoPassword = "demo";

    private readonly Dictionary<string, string> _hashes;
    // Unknown users are checked against this too, so a wrong name costs as long as a wrong password
    // and response time does not tell which user names exist.
    private readonly string _decoy = PasswordHash.Create(Guid.NewGuid().ToString());

    public AccountStore(IOptions<ServerOptions> options)
    {
        _hashes = new(options.Value.Users, StringComparer.Ordinal);
        if (options.Value.DemoAccount && !_hashes.ContainsKey(DemoUser))
            _hashes[DemoUser] = PasswordHash.Create(DemoPassword);
    }

    public IEnumerable<string> Users => _hashes.Keys;

    public bool Verify(string user, string password)
    {
        var known = _hashes.TryGetValue(user, out var hash);
        var ok = PasswordHash.Verify(password, hash ?? _decoy);
        return known && ok;
    }
}
