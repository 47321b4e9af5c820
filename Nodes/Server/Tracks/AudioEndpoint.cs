using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Primitives;
using Spotify.Rx.Server.Auth;

namespace Spotify.Rx.Server.Tracks;

/// <summary>
/// <c>GET /tracks/{id}/audio</c> on Kestrel: the whole track, one <c>Range</c>, or the time form
/// <c>?from=SECONDS&amp;seconds=15</c>. What is served is decided by <see cref="AudioParts"/>, which
/// the sendfile endpoint shares; this class only reads the request and writes the answer: a cached
/// token, a dictionary lookup, a span parse, and the range read from the track's open file straight into
/// Kestrel's response buffers (pread from the page cache; the file is never read whole).
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
                headers.ContentRange = "bytes */" + answer.Track!.ByteLength.ToString(CultureInfo.InvariantCulture);
            return Problems.Of(answer.Status, answer.Title!, answer.Reason!).ExecuteAsync(ctx);
        }

        // Checked and leased before anything is sent: a file that vanished or disagrees with its manifest gets 410.
        if (!parts.Files.TryLease(answer.Track!, out var lease, out var broken))
            return Problems.Of(StatusCodes.Status410Gone, "Gone", broken!).ExecuteAsync(ctx);

        var range = answer.Range;
        headers.ContentType = ContentType;
        headers.AcceptRanges = "bytes";
        response.ContentLength = range.Length;
        if (answer.Status == StatusCodes.Status206PartialContent)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {range.Start}-{range.End - 1}/{answer.Track!.ByteLength}");
        }
        bool head = HttpMethods.IsHead(request.Method);
        parts.Count(answer, head);
        if (head || range.Length == 0)
        {
            lease.Dispose();
            return Task.CompletedTask;
        }
        return WriteRange(ctx, lease, range);
    }

    /// <summary>
    /// Reads the range from the file into Kestrel's pooled response blocks, flushing every <see cref="FlushBytes"/>.
    /// A part of up to that size (every 16 KiB chunk and 15 s part) is read whole, synchronously, and the lease
    /// ends before the flush, so a slow client never holds a file open.
    /// </summary>
    private static Task WriteRange(HttpContext ctx, FileLease lease, ByteRange range)
    {
        var writer = ctx.Response.BodyWriter;
        var handle = lease.File.SafeFileHandle;
        long offset = range.Start, end = Math.Min(range.End, range.Start + FlushBytes);
        try
        {
            offset = Fill(writer, handle, offset, end);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
        if (offset == range.End)
        {
            lease.Dispose();
            var flush = writer.FlushAsync(ctx.RequestAborted);
            return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
        }
        return WriteRestAsync(ctx, lease, offset, range.End);
    }

    private static async Task WriteRestAsync(HttpContext ctx, FileLease lease, long offset, long end)
    {
        using var leased = lease;
        var writer = ctx.Response.BodyWriter;
        while (true)
        {
            var flushed = await writer.FlushAsync(ctx.RequestAborted);
            if (flushed.IsCanceled || flushed.IsCompleted || offset == end) return;
            offset = Fill(writer, lease.File.SafeFileHandle, offset, Math.Min(end, offset + FlushBytes));
        }
    }

    /// <summary>Kestrel buffers up to this much of a response before it is flushed to the socket.</summary>
    private const int FlushBytes = 512 * 1024;

    /// <summary>How much one pread reads: a 300 kB part in 5 system calls rather than 75 of Kestrel's 4 KiB blocks.</summary>
    private const int ReadBytes = 64 * 1024;

    private static long Fill(System.IO.Pipelines.PipeWriter writer, Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, long end)
    {
        // One rented buffer per call; the pool keeps a few per core, so nothing is allocated per request.
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(ReadBytes, end - offset));
        try
        {
            while (offset < end)
            {
                int n = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - offset)), offset);
                if (n == 0) throw new IOException($"the audio file ended at byte {offset}, before {end}");
                // Copied into Kestrel's pooled blocks, as the in-memory track's slices were.
                writer.Write(buffer.AsSpan(0, n));
                offset += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return offset;
    }
}
