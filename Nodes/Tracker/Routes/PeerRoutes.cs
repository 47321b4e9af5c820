using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Tracker.Input;
using Spotify.Rx.Tracker.Store;

namespace Spotify.Rx.Tracker.Routes;

/// <summary>What every peer route needs, resolved once per app instead of once per parameter.</summary>
public sealed record PeerRouteServices(
    ITrackerStore Store, PeerSampler Sampler, TokenValidator Tokens, TrackerMetrics Metrics,
    TimeProvider Time, TrackerLimits Limits, ILogger<PeerRouteServices> Log);

/// <summary><c>/tracks/{trackId}/peers</c>: register, remove, look up.</summary>
public static class PeerRoutes
{
    // A registration body is one short endpoint; anything longer is not one.
    private const long MaxBodyBytes = 1024;

    public static void MapPeerRoutes(this IEndpointRouteBuilder app)
    {
        // Resolved once, on first use (after the start has validated the options), not per request:
        // HttpContext.RequestServices would open a DI scope on every lookup.
        var services = new Lazy<PeerRouteServices>(app.ServiceProvider.GetRequiredService<PeerRouteServices>);
        var peers = app.MapGroup("/tracks/{trackId}/peers");
        peers.MapGet("", http => Lookup(http, services.Value));
        peers.MapPut("{peerId}", Register);
        peers.MapDelete("{peerId}", Remove);
    }

    // The hot path (every play asks): a plain request delegate, the token checked against the
    // validator's cache without allocating, the answer serialised once with its length known.
    private static async Task Lookup(HttpContext http, PeerRouteServices s)
    {
        var trackId = (string)http.Request.RouteValues["trackId"]!;
        var (caller, refusal) = await Authenticate(http, s.Tokens);
        refusal ??= TrackProblem(trackId);
        if (refusal is not null)
        {
            await refusal.ToResult(http, s.Metrics, s.Log).ExecuteAsync(http);
            return;
        }
        IReadOnlyList<PeerInfo> recent;
        try
        {
            recent = await s.Store.RecentAsync(trackId, http.RequestAborted);
        }
        catch (TrackerStoreUnavailableException e)
        {
            await Refusal.Unavailable(e.Message).ToResult(http, s.Metrics, s.Log).ExecuteAsync(http);
            return;
        }
        var peers = s.Sampler.Draw(recent, caller!.PeerId);
        s.Metrics.Lookups.Inc();
        s.Metrics.PeersReturned.Inc(peers.Count);
        var body = JsonSerializer.SerializeToUtf8Bytes(new PeerList(trackId, peers), TrackerJson.Default.PeerList);
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    private static async Task<IResult> Register(string trackId, string peerId, HttpContext http, [FromServices] PeerRouteServices s, [FromServices] ObservedEndpoint observed)
    {
        var (caller, refusal) = await Authenticate(http, s.Tokens);
        refusal ??= TrackProblem(trackId) ?? OwnPeerProblem(caller!, peerId);
        PeerRegistration? body = null;
        if (refusal is null) (body, refusal) = await ReadRegistration(http, observed);
        if (refusal is not null) return refusal.ToResult(http, s.Metrics, s.Log);
        try
        {
            var peer = new PeerInfo(peerId, body!.Endpoint);
            if (!await s.Store.RegisterAsync(trackId, peer, http.RequestAborted))
                return new Refusal(StatusCodes.Status429TooManyRequests,
                    $"peer '{peerId}' already holds {s.Limits.TracksPerPeer} registrations, the most one peer may: remove one or let one expire")
                    .ToResult(http, s.Metrics, s.Log);
            s.Metrics.Registrations.Inc();
            return TypedResults.Ok(new PeerRegistered(trackId, peerId, peer.Endpoint, s.Time.GetUtcNow() + s.Limits.RegistrationLifetime));
        }
        catch (TrackerStoreUnavailableException e)
        {
            return Refusal.Unavailable(e.Message).ToResult(http, s.Metrics, s.Log);
        }
    }

    private static async Task<IResult> Remove(string trackId, string peerId, HttpContext http, [FromServices] PeerRouteServices s)
    {
        var (caller, refusal) = await Authenticate(http, s.Tokens);
        refusal ??= TrackProblem(trackId) ?? OwnPeerProblem(caller!, peerId);
        if (refusal is not null) return refusal.ToResult(http, s.Metrics, s.Log);
        try
        {
            if (!await s.Store.RemoveAsync(trackId, peerId, http.RequestAborted))
                return Refusal.NotFound($"peer '{peerId}' is not registered for track '{trackId}'").ToResult(http, s.Metrics, s.Log);
            s.Metrics.Removals.Inc();
            return TypedResults.NoContent();
        }
        catch (TrackerStoreUnavailableException e)
        {
            return Refusal.Unavailable(e.Message).ToResult(http, s.Metrics, s.Log);
        }
    }

    private static async ValueTask<(PeerIdentity?, Refusal?)> Authenticate(HttpContext http, TokenValidator tokens)
    {
        string? header = http.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return (null, Refusal.Unauthorized("no token: send 'Authorization: Bearer <token>' with a token from the main server"));
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return (null, Refusal.Unauthorized("the Authorization header is not a Bearer token"));
        var token = header.AsSpan(7).Trim();
        if (tokens.TryGetCached(token, out var known)) return (known, null);
        var check = await tokens.ValidateAsync(token.ToString(), http.RequestAborted);
        return check.IsValid ? (check.Identity, null) : (null, Refusal.Unauthorized(check.Error!));
    }

    private static Refusal? TrackProblem(string trackId) => TrackerInput.IsValidTrackId(trackId)
        ? null
        : Refusal.BadInput($"track id '{Shorten(trackId)}' is malformed: expected [a-z0-9][a-z0-9-]{{0,63}}");

    // A client registers and removes only itself: otherwise anyone could point a swarm at someone else.
    private static Refusal? OwnPeerProblem(PeerIdentity caller, string peerId)
    {
        if (!TokenClaims.IsValidPeerId(peerId)) return Refusal.BadInput($"peer id '{Shorten(peerId)}' is malformed: expected account.device, each part of {PeerIds.CharacterSet}, at most {PeerIds.MaxLength} characters");
        return peerId == caller.PeerId
            ? null
            : Refusal.Forbidden($"the token is for peer '{caller.PeerId}', not for peer '{peerId}': a client may register or remove only itself");
    }

    private static async ValueTask<(PeerRegistration?, Refusal?)> ReadRegistration(HttpContext http, ObservedEndpoint observed)
    {
        if (http.Request.ContentLength > MaxBodyBytes)
            return (null, new Refusal(StatusCodes.Status413PayloadTooLarge, $"body is over {MaxBodyBytes} bytes: expected {{\"endpoint\":\"host:port\"}}"));
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;
        PeerRegistration? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(http.Request.Body, TrackerJson.Default.PeerRegistration, http.RequestAborted);
        }
        catch (JsonException)
        {
            return (null, Refusal.BadInput("body is not JSON of the form {\"endpoint\":\"host:port\"}"));
        }
        catch (BadHttpRequestException e)
        {
            return (null, new Refusal(e.StatusCode, "body could not be read: " + e.Message));
        }
        catch (IOException e) when (!http.RequestAborted.IsCancellationRequested)
        {
            // A malformed chunked body ("Bad chunk size data" for a size that overflows) surfaces as an IOException.
            return (null, Refusal.BadInput("body could not be read: " + e.Message));
        }
        if (body is null) return (null, Refusal.BadInput("body is missing: expected {\"endpoint\":\"host:port\"}"));
        if (!string.IsNullOrEmpty(body.Endpoint) && body.Endpoint.Length <= 261)
        {
            // Where the client is, as the tracker sees it: the endpoint other hosts can dial.
            var (client, proxyProblem) = observed.Client(http.Connection.RemoteIpAddress, http.Request.Headers["X-Forwarded-For"]);
            var (endpoint, hostProblem) = ObservedEndpoint.Resolve(body.Endpoint, client);
            if ((proxyProblem ?? hostProblem) is { } why) return (null, Refusal.BadInput(why));
            body = body with { Endpoint = endpoint! };
        }
        var problem = TrackerInput.EndpointProblem(body.Endpoint);
        return problem is null ? (body, null) : (null, Refusal.BadInput(problem));
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
