using Microsoft.Net.Http.Headers;
using Spotify.Rx.Common.Auth;

namespace Spotify.Rx.Server.Auth;

/// <summary>
/// Checks the <c>Authorization: Bearer</c> token of a request against the server's own key.
/// A token seen before is found in the validator's cache without allocating, so the signature
/// is verified once per token, not once per audio part.
/// </summary>
public sealed class BearerAuth(TokenValidator validator)
{
    public const string IdentityItem = "spotify-rx.identity";

    /// <summary>The caller's identity, or null after writing a 401 with the reason.</summary>
    public ValueTask<PeerIdentity?> AuthenticateAsync(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        var token = BearerToken(header);
        if (token.IsEmpty) return RefuseAsync(ctx, header.Length == 0 ? "no bearer token" : "Authorization is not a bearer token");
        if (validator.TryGetCached(token, out var identity)) return ValueTask.FromResult<PeerIdentity?>(identity);
        return ValidateSlowAsync(ctx, token.ToString());
    }

    private async ValueTask<PeerIdentity?> ValidateSlowAsync(HttpContext ctx, string token)
    {
        var check = await validator.ValidateAsync(token, ctx.RequestAborted);
        if (check.IsValid) return check.Identity;
        return await RefuseAsync(ctx, check.Error!);
    }

    private static async ValueTask<PeerIdentity?> RefuseAsync(HttpContext ctx, string reason)
    {
        ServerMetrics.AuthRefused.Inc();
        // RFC 6750 §3: say which scheme and why, also outside the body.
        ctx.Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{reason.Replace('"', '\'')}\"";
        await Problems.Unauthorized(reason).ExecuteAsync(ctx);
        return null;
    }

    private static ReadOnlySpan<char> BearerToken(string header)
    {
        var span = header.AsSpan().Trim();
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
