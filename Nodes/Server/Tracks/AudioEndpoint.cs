using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Prometheus;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Server.Auth;

namespace Spotify.Rx.Server.Tracks;

/// <summary>
/// <c>GET /tracks/{id}/audio</c>: the whole track, one <c>Range</c>, or the time form
/// <c>?from=SECONDS&amp;seconds=15</c> (whole Ogg pages covering the window, per the seek index).
/// This is the hot path of the system: a cached token, a dictionary lookup, a span parse and
/// one write of a slice of the in-memory track, with no allocation for the payload.
/// </summary>
public sealed class AudioEndpoint(TrackStore store, BearerAuth auth, IOptions<ServerOptions> options)
{
    public const string ContentType = "audio/ogg";
    private readonly double _maxWindow = options.Value.MaxWindowSeconds;

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
        var id = ctx.Request.RouteValues["id"] as string ?? "";
        // Looked up among the manifests' ids only; the id is checked for shape just to say why it failed.
        var track = store.Find(id);
        if (track is null)
            return RefuseAsync(ctx, TrackLibrary.IsValidId(id)
                ? Problems.NotFound($"no track '{id}'")
                : Problems.BadRequest("track ids are 1-64 characters of a-z 0-9 -"));

        long length = track.Audio.Length;
        var request = ctx.Request;
        var rangeHeader = request.Headers.Range;
        ByteRange range;
        RangeForm form;
        if (request.QueryString.HasValue && (request.Query.ContainsKey("from") || request.Query.ContainsKey("seconds")))
        {
            if (!StringValues.IsNullOrEmpty(rangeHeader))
                return RefuseAsync(ctx, Problems.BadRequest("ask by Range or by ?from=&seconds=, not both"));
            range = TimeWindow(track.Manifest, request.Query["from"], request.Query["seconds"]);
            form = RangeForm.Time;
        }
        else if (StringValues.IsNullOrEmpty(rangeHeader))
        {
            range = ByteRange.Whole(length);
            form = RangeForm.Whole;
        }
        else
        {
            range = rangeHeader.Count == 1 ? ByteRange.Parse(rangeHeader[0], length)
                : new ByteRange(RangeOutcome.Multiple, 0, 0, "multiple ranges are not served: ask for one range per request");
            form = RangeForm.Range;
        }

        switch (range.Outcome)
        {
            case RangeOutcome.Malformed or RangeOutcome.Multiple:
                return RefuseAsync(ctx, Problems.BadRequest(range.Reason!));
            case RangeOutcome.Unsatisfiable:
                ctx.Response.Headers.ContentRange = "bytes */" + length.ToString(CultureInfo.InvariantCulture);
                return RefuseAsync(ctx, Problems.Of(StatusCodes.Status416RangeNotSatisfiable, "Range not satisfiable", range.Reason!));
        }

        var response = ctx.Response;
        var headers = response.Headers;
        headers.ContentType = ContentType;
        headers.AcceptRanges = "bytes";
        response.ContentLength = range.Length;
        if (range.Outcome == RangeOutcome.Partial)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            headers.ContentRange = ContentRange(range.Start, range.End, length);
        }
        (form switch { RangeForm.Time => ServerMetrics.AudioTime, RangeForm.Range => ServerMetrics.AudioRange, _ => ServerMetrics.AudioWhole }).Inc(1, Exemplar.None);
        if (HttpMethods.IsHead(request.Method)) return Task.CompletedTask;
        // No exemplar: looking one up in the trace context costs more than the count itself.
        ServerMetrics.AudioBytes.Inc(range.Length, Exemplar.None);

        var part = track.Audio.Slice((int)range.Start, (int)range.Length);
        // Kestrel copies the slice into its pooled 4 KiB blocks; nothing is allocated per request.
        // (One contiguous GetSpan(length) measured slower: it rents 512 KiB arrays that the shared pool
        // cannot keep for 64 connections at once.)
        var write = response.BodyWriter.WriteAsync(part, ctx.RequestAborted);
        return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
    }

    /// <summary>The whole pages that cover [from, from + seconds), or why the window is not one.</summary>
    private ByteRange TimeWindow(TrackManifest manifest, StringValues fromText, StringValues secondsText)
    {
        if (!TryParseSeconds(fromText, out var from) || from < 0)
            return new(RangeOutcome.Malformed, 0, 0, "from must be a number of seconds, at least 0");
        double seconds = 15;
        if (!StringValues.IsNullOrEmpty(secondsText) && (!TryParseSeconds(secondsText, out seconds) || seconds <= 0 || seconds > _maxWindow))
            return new(RangeOutcome.Malformed, 0, 0, $"seconds must be a number above 0 and at most {_maxWindow}");
        if (from >= manifest.Duration.TotalSeconds)
            return new(RangeOutcome.Unsatisfiable, 0, 0, $"from={from} is at or past the end of the track ({manifest.Duration.TotalSeconds:0.###} s)");
        var (start, end) = manifest.ByteRangeFor(TimeSpan.FromSeconds(from), TimeSpan.FromSeconds(seconds));
        return new(RangeOutcome.Partial, start, end);
    }

    private static bool TryParseSeconds(StringValues text, out double value)
    {
        value = 0;
        return text.Count == 1
            && double.TryParse(text[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    private static string ContentRange(long start, long end, long length) =>
        string.Create(CultureInfo.InvariantCulture, $"bytes {start}-{end - 1}/{length}");

    private static Task RefuseAsync(HttpContext ctx, IResult problem)
    {
        ServerMetrics.AudioRefused.Inc();
        return problem.ExecuteAsync(ctx);
    }

    private enum RangeForm { Whole, Range, Time }
}
