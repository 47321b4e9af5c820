using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Spotify.Rx.Common.Auth;

/// <summary>Signs the JWTs the main server hands out (ES256, sub = user, peer = peer id).</summary>
public sealed class TokenIssuer(ECDsaSecurityKey key, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials = new(key, SecurityAlgorithms.EcdsaSha256);

    public ECDsaSecurityKey Key => key;

    public string Issue(string user, string peerId, TimeSpan lifetime)
    {
        var now = time.GetUtcNow();
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TokenClaims.Issuer,
            Audience = TokenClaims.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", user), new Claim(TokenClaims.PeerId, peerId)]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = _credentials,
        });
    }

    /// <summary>The public half as a JWKS document (RFC 7517), for <c>/.well-known/jwks.json</c>.</summary>
    public string JwksJson()
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key);
        // Only the public parameters leave the server.
        var publicJwk = new Dictionary<string, string?>
        {
            ["kty"] = jwk.Kty, ["crv"] = jwk.Crv, ["x"] = jwk.X, ["y"] = jwk.Y,
            ["kid"] = key.KeyId, ["use"] = "sig", ["alg"] = SecurityAlgorithms.EcdsaSha256,
        };
        return System.Text.Json.JsonSerializer.Serialize(new { keys = new[] { publicJwk } });
    }
}
