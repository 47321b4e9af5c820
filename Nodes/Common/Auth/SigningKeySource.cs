using System.Net.Http.Json;
using Microsoft.IdentityModel.Tokens;

namespace Spotify.Rx.Common.Auth;

/// <summary>Where a validator gets the main server's public keys.</summary>
public interface ISigningKeySource
{
    /// <summary>The known keys; asked again with <paramref name="forceRefresh"/> when a token names an unknown kid.</summary>
    ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(bool forceRefresh, CancellationToken ct);
}

public sealed class StaticKeySource(params SecurityKey[] keys) : ISigningKeySource
{
    public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(bool forceRefresh, CancellationToken ct) => new(keys);
}

/// <summary>
/// Reads the main server's <c>/.well-known/jwks.json</c>, keeps it, and reads it again when a token
/// names a key id it does not know (key rotation), at most once per <c>minRefreshInterval</c>
/// so a flood of forged kids cannot turn into a flood of requests.
/// </summary>
public sealed class JwksKeySource(HttpClient http, Uri jwksUri, TimeProvider time, TimeSpan? minRefreshInterval = null) : ISigningKeySource
{
    private readonly TimeSpan _minRefresh = minRefreshInterval ?? TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    // Keys and the time they were read, swapped as one so a reader never pairs new keys with an old time.
    private volatile Fetched? _fetched;

    private sealed record Fetched(IReadOnlyList<SecurityKey> Keys, DateTimeOffset At);

    public async ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(bool forceRefresh, CancellationToken ct)
    {
        if (Fresh(_fetched, forceRefresh) is { } keys) return keys;
        await _gate.WaitAsync(ct);
        try
        {
            if (Fresh(_fetched, forceRefresh) is { } again) return again;
            var json = await http.GetStringAsync(jwksUri, ct);
            var fetched = new Fetched(new JsonWebKeySet(json).GetSigningKeys().ToArray(), time.GetUtcNow());
            _fetched = fetched;
            return fetched.Keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    private IReadOnlyList<SecurityKey>? Fresh(Fetched? fetched, bool forceRefresh) =>
        fetched is not null && (!forceRefresh || time.GetUtcNow() - fetched.At < _minRefresh) ? fetched.Keys : null;
}
