using System.Globalization;
using Microsoft.Extensions.Options;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Server.Auth;

namespace Spotify.Rx.Server.Tracks;

/// <summary>
/// <c>/tracks</c>: the paged catalogue (or, with <c>?q=TEXT</c>, the tracks whose title or artist contains TEXT,
/// case-insensitive), a track's manifest, its audio. Every route needs a token.
/// </summary>
public static class TrackEndpoints
{
    public static void MapTracks(this IEndpointRouteBuilder app)
    {
        var tracks = app.MapGroup("/tracks").AddEndpointFilter<RequireToken>();
        tracks.MapGet("", Catalogue);
        tracks.MapGet("/{id}", Manifest);

        // The audio route skips the filter pipeline and parameter binding: it authenticates itself.
        var audio = app.ServiceProvider.GetRequiredService<AudioEndpoint>();
        app.MapMethods("/tracks/{id}/audio", [HttpMethods.Get, HttpMethods.Head], audio.ServeAsync);
    }

    private static IResult Catalogue(HttpContext ctx, TrackStore store, IOptions<ServerOptions> options)
    {
        var query = ctx.Request.Query;
        int page = 1, pageSize = options.Value.DefaultPageSize;
        if (query.TryGetValue("page", out var p) && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1))
            return Problems.BadRequest("page must be a whole number from 1");
        if (query.TryGetValue("pageSize", out var s) && (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > ServerOptions.MaxPageSize))
            return Problems.BadRequest($"pageSize must be a whole number from 1 to {ServerOptions.MaxPageSize}");
        int skip = (int)Math.Min(int.MaxValue, (long)(page - 1) * pageSize);
        if (query.TryGetValue("q", out var q))
        {
            if (q.Count != 1 || q[0] is not { } text || string.IsNullOrWhiteSpace(text) || text.Length > MaxQueryLength)
                return Problems.BadRequest($"q must be given once, with 1 to {MaxQueryLength} characters to look for in titles and artists");
            var (total, found) = store.Search(text.Trim(), skip, pageSize);
            return TypedResults.Ok(new TrackPage(page, pageSize, total, found.Select(t => t.Summary).ToArray()));
        }
        var all = store.Tracks;
        var items = all.Skip(skip).Take(pageSize).Select(t => t.Summary).ToArray();
        return TypedResults.Ok(new TrackPage(page, pageSize, all.Count, items));
    }

    public const int MaxQueryLength = 200;

    private static IResult Manifest(string id, TrackStore store)
    {
        if (!TrackLibrary.IsValidId(id)) return Problems.BadRequest("track ids are 1-64 characters of a-z 0-9 -");
        var track = store.Find(id);
        if (track is null)
            return store.GoneReason(id) is { } gone ? Problems.Of(StatusCodes.Status410Gone, "Gone", gone) : Problems.NotFound($"no track '{id}'");
        return store.Manifests.TryGet(track, out var manifest, out var broken)
            ? Results.Bytes(manifest!.Json, "application/json")
            : Problems.Of(StatusCodes.Status410Gone, "Gone", broken!);
    }
}
