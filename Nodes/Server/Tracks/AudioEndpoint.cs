using System.Globalization;
using Microsoft.Extensions.Primitives;
using Spotify.Rx.Server.Auth;

namespace Spotify.Rx.Server.Tracks;

/// <summary>
/// <c>GET /tracks/{id}/audio</c> on Kestrel: the whole track, one <c>Range</c>, or the time form
/// <c>?from=SECONDS&amp;seconds=15</c>. What is served is decided by <see cref="AudioParts"/>, which
/// the sendfile endpoint shares; this class only reads the request and writes the answer: a cached
/// token, a dictionary lookup, a span parse and one write of a slice of the in-memory track.
/// </summary>
public sealed class AudioEndpoint(AudioParts parts, BearerAuth auth)
{
    public const string ContentType = AudioParts.ContentType;

    public Task ServeAsync(HttpContext ctx)
    {
        var identity = auth.AuthenticateAsync(ctx);
        if (!identity.IsCompletedSuccessfully) return ServeAfterSlowAuthAsync(ctx, identity);
        return identity.Result is null ? Task.CompletedTask : ServeAuthenticated(ctx);
    }

    private async Task ServeAfterSlowAuthAsync(HttpContext ctx, ValueTask<Common.Auth.PeerIdentity?> identity)
    {
        if (await identity is not null) await ServeAuthenticated(ctx);
    }

    private Task ServeAuthenticated(HttpContext ctx)
    {
        var request = ctx.Request;
        var rangeHeader = request.Headers.Range;
        var ask = new AudioAsk
        {
            Id = ctx.Request.RouteValues["id"] as string ?? "",
            RangeCount = rangeHeader.Count,
            Range = rangeHeader.Count == 1 ? rangeHeader[0] : default,
        };
        if (request.QueryString.HasValue)
        {
            var query = request.Query;
            if (query.TryGetValue("from", out var from))
            {
                ask.FromCount = from.Count;
                ask.From = from.Count == 1 ? from[0] : default;
            }
            if (query.TryGetValue("seconds", out var seconds))
            {
                ask.SecondsCount = seconds.Count;
                ask.Seconds = seconds.Count == 1 ? seconds[0] : default;
            }
        }
        var answer = parts.Decide(ask);

        var response = ctx.Response;
        var headers = response.Headers;
        if (answer.IsRefusal)
        {
            if (answer.Status == StatusCodes.Status416RangeNotSatisfiable)
                headers.ContentRange = "bytes */" + answer.Track!.Audio.Length.ToString(CultureInfo.InvariantCulture);
            return Problems.Of(answer.Status, answer.Title!, answer.Reason!).ExecuteAsync(ctx);
        }

        var range = answer.Range;
        headers.ContentType = ContentType;
        headers.AcceptRanges = "bytes";
        response.ContentLength = range.Length;
        if (answer.Status == StatusCodes.Status206PartialContent)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {range.Start}-{range.End - 1}/{answer.Track!.Audio.Length}");
        }
        bool head = HttpMethods.IsHead(request.Method);
        parts.Count(answer, head);
        if (head) return Task.CompletedTask;

        var part = answer.Track!.Audio.Slice((int)range.Start, (int)range.Length);
        // Kestrel copies the slice into its pooled 4 KiB blocks; nothing is allocated per request.
        // (One contiguous GetSpan(length) measured slower: it rents 512 KiB arrays that the shared pool
        // cannot keep for 64 connections at once.)
        var write = response.BodyWriter.WriteAsync(part, ctx.RequestAborted);
        return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
    }
}
