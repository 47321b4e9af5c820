using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
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
        var log = logs.CreateLogger("Spotify.Rx.Server.Auth");
        var (request, unreadable) = await ReadRequestAsync(ctx);
        if (unreadable is not null)
        {
            log.LogInformation("Refused a token request: {Reason}", unreadable);
            return unreadable.Value.Result;
        }
        if (request is null || string.IsNullOrEmpty(request.User) || request.Password is null)
            return Problems.BadRequest("user and password are required");
        if (string.IsNullOrEmpty(request.PeerId))
            return Problems.BadRequest($"peerId is required: a device name of {PeerIds.CharacterSet}, signed as '{request.User}.<device>'");

        if (!accounts.Verify(request.User, request.Password))
        {
            log.LogInformation("Refused a token for {User}: wrong user or password", request.User);
            ctx.RequestServices.GetRequiredService<ServerMetrics>().LoginsRefused.Inc();
            return Problems.Unauthorized("wrong user or password");
        }

        // Checked after the password, so the answer never tells a stranger which accounts own which ids.
        var (peerId, refusal) = PeerIds.Issue(request.User, request.PeerId);
        if (peerId is null)
        {
            log.LogInformation("Refused a token for {User}: {Reason}", request.User, refusal);
            return PeerIds.AccountOf(request.PeerId) is { } owner && owner != request.User
                ? Problems.Forbidden(refusal!)
                : Problems.BadRequest(refusal!);
        }

        var token = issuer.Issue(request.User, peerId, options.Value.TokenLifetime);
        ctx.RequestServices.GetRequiredService<ServerMetrics>().TokensIssued.Inc();
        var expires = new DateTimeOffset(new JsonWebToken(token).ValidTo, TimeSpan.Zero);
        // Where to fetch audio with zero copy, when the sendfile endpoint is on; clients fall back to /tracks otherwise.
        var audioUrl = Audio.AudioEndpointAddress.Advertised(options.Value.AudioUrl, ctx.Request.Host.Value, options.Value.AdvertisedAudioUrl);
        return TypedResults.Ok(new TokenResponse(token, expires, audioUrl, peerId));
    }

    private readonly record struct Unreadable(IResult Result, string Reason)
    {
        public override string ToString() => Reason;
    }

    /// <summary>The request body, or a 4xx naming what is wrong with it: nothing a caller sends turns into a 500.</summary>
    private static async Task<(TokenRequest?, Unreadable?)> ReadRequestAsync(HttpContext ctx)
    {
        const string shape = "body must be UTF-8 JSON {user, password, peerId}";
        if (!ctx.Request.HasJsonContentType()) return (null, Refuse(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", shape + " sent as application/json"));
        // RFC 8259 §8.1: JSON between systems is UTF-8; any other charset is refused, not guessed.
        if (MediaTypeHeaderValue.TryParse(ctx.Request.ContentType, out var type) && HeaderUtilities.RemoveQuotes(type.Charset) is { Length: > 0 } charset
            && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            return (null, Refuse(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"charset '{Shorten(charset.ToString())}' is not supported: send UTF-8 JSON"));
        try
        {
            // Read as UTF-8 whatever the charset parameter's spelling (ReadFromJsonAsync throws on a quoted one).
            var json = ctx.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            return (await JsonSerializer.DeserializeAsync<TokenRequest>(ctx.Request.Body, json, ctx.RequestAborted), null);
        }
        catch (JsonException e)
        {
            return (null, Refuse(StatusCodes.Status400BadRequest, "Bad request", "body is not valid JSON: " + e.Message));
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's body limit (413) or a broken body: the status it chose, with its reason.
            return (null, Refuse(e.StatusCode, "Bad request", e.Message));
        }
        catch (IOException e) when (!ctx.RequestAborted.IsCancellationRequested)
        {
            // A malformed chunked body ("Bad chunk size data" for a size that overflows) surfaces as an IOException.
            return (null, Refuse(StatusCodes.Status400BadRequest, "Bad request", "body could not be read: " + e.Message));
        }
    }

    private static Unreadable Refuse(int status, string title, string reason) => new(Problems.Of(status, title, reason), reason);

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
