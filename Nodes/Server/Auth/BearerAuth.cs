using Spotify.Rx.Common.Auth;

namespace Spotify.Rx.Server.Auth;

/// <summary>
/// Checks the <c>Authorization: Bearer</c> token of a request against the server's own key.
/// A token seen before is found in the validator's cache without allocating, so the signature
/// is verified once per token, not once per audio part. The Kestrel routes and the sendfile
/// endpoint (<see cref="Audio.AudioConnectionHandler"/>) share this check and its reasons.
/// </summary>
public sealed class BearerAuth(TokenValidator validator)
{
    public const string IdentityItem = "spotify-rx.identity";
    public const string NoToken = "no bearer token";
    public const string NotBearer = "Authorization is not a bearer token";

    /// <summary>The identity of a token validated before, found without allocating: the hot path.</summary>
    public bool TryCached(ReadOnlySpan<char> authorization, out PeerIdentity identity)
    {
        var token = BearerToken(authorization);
        if (!token.IsEmpty && validator.TryGetCached(token, out identity)) return true;
        identity = null!;
        return false;
    }

    /// <summary>The identity of the token in an <c>Authorization</c> value, or the reason it is refused.</summary>
    public async ValueTask<TokenCheck> CheckAsync(string authorization, CancellationToken ct)
    {
        var token = BearerToken(authorization);
        if (token.IsEmpty) return TokenCheck.Fail(authorization.Length == 0 ? NoToken : NotBearer);
        return await validator.ValidateAsync(token.ToString(), ct);
    }

    /// <summary>RFC 6750 §3: which scheme, and why, also outside the body.</summary>
    public static string Challenge(string reason) =>
        $"Bearer error=\"invalid_token\", error_description=\"{reason.Replace('"', '\'')}\"";

    /// <summary>The caller's identity, or null after writing a 401 with the reason.</summary>
    public ValueTask<PeerIdentity?> AuthenticateAsync(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (TryCached(header, out var identity)) return ValueTask.FromResult<PeerIdentity?>(identity);
        return AuthenticateSlowAsync(ctx, header);
    }

    private async ValueTask<PeerIdentity?> AuthenticateSlowAsync(HttpContext ctx, string header)
    {
        var check = await CheckAsync(header, ctx.RequestAborted);
        if (check.IsValid) return check.Identity;
        ctx.RequestServices.GetRequiredService<ServerMetrics>().AuthRefused.Inc();
        ctx.Response.Headers.WWWAuthenticate = Challenge(check.Error!);
        await Problems.Unauthorized(check.Error!).ExecuteAsync(ctx);
        return null;
    }

    private static ReadOnlySpan<char> BearerToken(ReadOnlySpan<char> header)
    {
        var span = header.Trim();
        const string scheme = "Bearer ";
        if (span.Length <= scheme.Length || !span.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return default;
        return span[scheme.Length..].Trim();
    }
}

/// <summary>Endpoint filter: the route runs only for a valid token; the identity is left in <c>HttpContext.Items</c>.</summary>
public sealed class RequireToken(BearerAuth auth) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var identity = await auth.AuthenticateAsync(context.HttpContext);
        if (identity is null) return Results.Empty;
        context.HttpContext.Items[BearerAuth.IdentityItem] = identity;
        return await next(context);
    }
}
