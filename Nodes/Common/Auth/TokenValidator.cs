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
/// per request.
/// </summary>
public sealed class TokenValidator
{
    private const int MaxCached = 50_000;
    private readonly ISigningKeySource _keys;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly ConcurrentDictionary<string, PeerIdentity> _valid = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PeerIdentity>.AlternateLookup<ReadOnlySpan<char>> _validBySpan;

    public TokenValidator(ISigningKeySource keys, TimeProvider time)
    {
        _keys = keys;
        _time = time;
        _validBySpan = _valid.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// The identity of a token that validated before and has not expired, looked up without
    /// allocating a string: the hot path of every audio request on the main server.
    /// </summary>
    public bool TryGetCached(ReadOnlySpan<char> token, out PeerIdentity identity)
    {
        if (_validBySpan.TryGetValue(token, out var cached) && cached.Expires > _time.GetUtcNow())
        {
            identity = cached;
            return true;
        }
        identity = null!;
        return false;
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

        TokenValidationResult result;
        try
        {
            result = await ValidateSignatureAsync(token, forceRefresh: false, ct);
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
                result = await ValidateSignatureAsync(token, forceRefresh: true, ct);
        }
        catch (Exception e) when (e is HttpRequestException or ArgumentException
            || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            // The JWKS could not be read (main server down, timed out, not a key set): refuse, and say
            // why, rather than throw into the caller.
            return TokenCheck.Fail("signing keys unavailable: " + e.Message);
        }
        if (!result.IsValid)
            return TokenCheck.Fail(result.Exception switch
            {
                SecurityTokenExpiredException => "token expired",
                SecurityTokenNotYetValidException => "token not yet valid",
                SecurityTokenNoExpirationException => "token has no expiry",
                SecurityTokenSignatureKeyNotFoundException => "token signed by an unknown key",
                SecurityTokenInvalidSignatureException => "token signature invalid",
                SecurityTokenMalformedException => "token malformed",
                // Three base64url parts that do not decode to a JWT header and payload.
                ArgumentException => "token malformed",
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
            // Time comes from the node's clock so tests can move it. No skew, so the signature check
            // and the cache (which compares expiry with the same clock) agree on when a token ends.
            // Throwing the specific exceptions keeps the reason ("expired") in the result.
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = _time.GetUtcNow().UtcDateTime;
                if (expires is not { } exp) throw new SecurityTokenNoExpirationException("token has no expiry");
                if (exp <= now) throw new SecurityTokenExpiredException($"token expired at {exp:O}") { Expires = exp };
                if (notBefore is { } nbf && nbf > now) throw new SecurityTokenNotYetValidException($"token valid from {nbf:O}") { NotBefore = nbf };
                return true;
            },
            RequireExpirationTime = true,
        });
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (token, identity) in _valid)
            if (identity.Expires <= now) _valid.TryRemove(token, out _);
    }
}
