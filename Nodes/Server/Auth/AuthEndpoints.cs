using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Extensions.Options;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Server.Accounts;

namespace Spotify.Rx.Server.Auth;

/// <summary><c>POST /auth/token</c> and <c>GET /.well-known/jwks.json</c>.</summary>
public static class AuthEndpoints
{
    public static void MapAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/auth/token", IssueToken);
        app.MapGet("/.well-known/jwks.json", (TokenIssuer issuer) =>
            Results.Text(issuer.JwksJson(), "application/json"));
    }

    private static async Task<IResult> IssueToken(HttpContext ctx, AccountStore accounts, TokenIssuer issuer,
        IOptions<ServerOptions> options, ILoggerFactory logs)
    {
        TokenRequest? request;
        try
        {
            if (!ctx.Request.HasJsonContentType()) return Problems.BadRequest("body must be JSON {user, password, peerId}");
            request = await ctx.Request.ReadFromJsonAsync<TokenRequest>(ctx.RequestAborted);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest("body is not valid JSON: " + e.Message);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's body limit (413) or a broken body: the status it chose, with its reason.
            return Problems.Of(e.StatusCode, "Bad request", e.Message);
        }
        if (request is null || string.IsNullOrEmpty(request.User) || request.Password is null)
            return Problems.BadRequest("user and password are required");
        if (string.IsNullOrEmpty(request.PeerId) || !TokenClaims.IsValidPeerId(request.PeerId))
            return Problems.BadRequest("peerId must be 1-64 characters of A-Z a-z 0-9 _ -");

        if (!accounts.Verify(request.User, request.Password))
        {
            logs.CreateLogger("Spotify.Rx.Server.Auth").LogInformation("Refused a token for {User}: wrong user or password", request.User);
            ServerMetrics.LoginsRefused.Inc();
            return Problems.Unauthorized("wrong user or password");
        }

        var token = issuer.Issue(request.User, request.PeerId, options.Value.TokenLifetime);
        ServerMetrics.TokensIssued.Inc();
        var expires = new DateTimeOffset(new JsonWebToken(token).ValidTo, TimeSpan.Zero);
        // Where to fetch audio with zero copy, when the sendfile endpoint is on; clients fall back to /tracks otherwise.
        var audioUrl = Audio.AudioEndpointAddress.Advertised(options.Value.AudioUrl, ctx.Request.Host.Value, options.Value.AdvertisedAudioUrl);
        return TypedResults.Ok(new TokenResponse(token, expires, audioUrl));
    }
}
