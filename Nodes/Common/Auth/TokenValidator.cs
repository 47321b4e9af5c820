using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Spotify.Rx.Common.Auth;

/// <summary>The outcome of validating a token: an identity, or the reason it was refused.</summary>
public readonly record struct TokenCheck(PeerIdentity? Identity, string? Error)
{
    public bool IsValid => Identity is not null;
    public static TokenCheck Fail(string error) => new(null, error);
}

/// <summary>
/// Validates the main server's JWTs for server, tracker and peers. A token that validated once
/// is remembered until it expires, so the signature is checked once per token rather than once
/// per request (issue 4: cached validated tokens).
/// </summary>
public sealed class TokenValidator
{
    private const int MaxCached = 50_000;
    private readonly ISigningKeySource _keys;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly ConcurrentDictionary<string, PeerIdentity> _valid = new(StringComparer.Ordinal);

    public TokenValidator(ISigningKeySource keys, TimeProvider time)
    {
        _keys = keys;
        _time = time;
    }

    public async ValueTask<TokenCheck> ValidateAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token)) return TokenCheck.Fail("no token");
        var now = _time.GetUtcNow();
        if (_valid.TryGetValue(token, out var cached))
        {
            if (cached.Expires > now) return new TokenCheck(cached, null);
            _valid.TryRemove(token, out _);
            return TokenCheck.Fail("token expired");
        }

        var result = await ValidateSignatureAsync(token, forceRefresh: false, ct);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
            result = await ValidateSignatureAsync(token, forceRefresh: true, ct);
        if (!result.IsValid)
            return TokenCheck.Fail(result.Exception switch
            {
                SecurityTokenExpiredException => "token expired",
                SecurityTokenSignatureKeyNotFoundException => "token signed by an unknown key",
                SecurityTokenInvalidSignatureException => "token signature invalid",
                SecurityTokenMalformedException => "token malformed",
                _ => "token invalid: " + (result.Exception?.GetType().Name ?? "unknown"),
            });

        var jwt = (JsonWebToken)result.SecurityToken;
        if (!jwt.TryGetPayloadValue<string>("sub", out var user) || string.IsNullOrEmpty(user))
            return TokenCheck.Fail("token has no subject");
        if (!jwt.TryGetPayloadValue<string>(TokenClaims.PeerId, out var peer) || !TokenClaims.IsValidPeerId(peer))
            return TokenCheck.Fail("token has no valid peer id");

        var identity = new PeerIdentity(user, peer, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
        if (_valid.Count >= MaxCached) Sweep(now);
        if (_valid.Count < MaxCached) _valid[token] = identity;
        return new TokenCheck(identity, null);
    }

    private async Task<TokenValidationResult> ValidateSignatureAsync(string token, bool forceRefresh, CancellationToken ct)
    {
        var keys = await _keys.GetKeysAsync(forceRefresh, ct);
        return await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = TokenClaims.Issuer,
            ValidAudience = TokenClaims.Audience,
            IssuerSigningKeys = keys,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            // Time comes from the node's clock so tests can move it; no skew beyond a few seconds.
            LifetimeValidator = (nbf, exp, _, _) => exp is { } e && e > _time.GetUtcNow().UtcDateTime
                && (nbf is not { } n || n <= _time.GetUtcNow().UtcDateTime.AddSeconds(5)),
            ClockSkew = TimeSpan.Zero,
        });
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (token, identity) in _valid)
            if (identity.Expires <= now) _valid.TryRemove(token, out _);
    }
}
