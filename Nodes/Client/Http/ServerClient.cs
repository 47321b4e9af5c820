using System.Buffers;
using System.Reactive.Concurrency;
using System.Text.Json;
using Flurl.Http;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Client.Http;

/// <summary>Receives one part of a range as it arrives: its offset in the track and its bytes (valid during the call only).</summary>
public delegate void RangePart(long offset, ReadOnlySpan<byte> bytes);

/// <summary>
/// The main server as the client sees it: login, catalogue, manifests and parts of tracks. Parts
/// come from the server's sendfile audio endpoint when its token response names one (the same
/// <c>/tracks/{id}/audio</c>, the same token, zero copy on the server), else from the Kestrel route.
/// </summary>
public sealed class ServerClient : IDisposable
{
    private readonly IFlurlClient _http;
    private readonly TimeSpan _timeout;
    private readonly List<IFlurlClient> _audioClients = [];
    private IFlurlClient? _audio;

    public ServerClient(Uri serverUrl, string user, string password, string peerId, IScheduler clock, TimeSpan? timeout = null)
    {
        _timeout = timeout ?? TimeSpan.FromSeconds(30);
        _http = KeepAlive.Client(serverUrl, _timeout);
        // Every login (the first and each renewal) tells where audio is served; the session reads the
        // same response after this handler, which leaves the buffered body readable.
        _http.AfterCall(RememberAudioEndpointAsync);
        Auth = new AuthSession(_http, user, password, peerId, clock);
        Url = serverUrl;
    }

    public Uri Url { get; }
    public AuthSession Auth { get; }

    /// <summary>The sendfile audio endpoint parts are fetched from, or null while the Kestrel route serves them.</summary>
    public Uri? AudioUrl => Volatile.Read(ref _audio)?.BaseUrl is { } url ? new Uri(url) : null;

    /// <summary>A page of the catalogue; <paramref name="query"/> asks the server for titles or artists containing it.</summary>
    public Task<TrackPage> TracksAsync(int page = 1, int pageSize = 50, CancellationToken ct = default, string? query = null) =>
        Auth.WithTokenAsync(token => _http.Request("tracks")
            .SetQueryParams(new { page, pageSize, q = query })
            .WithOAuthBearerToken(token)
            .GetJsonAsync<TrackPage>(cancellationToken: ct), ct);

    public Task<TrackManifest> ManifestAsync(string trackId, CancellationToken ct = default) =>
        Auth.WithTokenAsync(token => _http.Request("tracks", trackId)
            .WithOAuthBearerToken(token)
            .GetJsonAsync<TrackManifest>(cancellationToken: ct), ct);

    /// <summary>
    /// Bytes [<paramref name="start"/>, <paramref name="end"/>) of a track with one standard Range
    /// request, handed to <paramref name="part"/> as they arrive: in order, in whole parts of
    /// <paramref name="partBytes"/> (the last may be shorter), on the thread that read them, the span
    /// valid only during the call. A listener waits for the first part, not for the whole window. The
    /// task completes after the last part; a body that ends early, or whose declared length is not the
    /// range's, fails it.
    /// </summary>
    public Task RangeAsync(string trackId, long start, long end, int partBytes, RangePart part, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(end, start);
        ArgumentOutOfRangeException.ThrowIfLessThan(partBytes, 1);
        ArgumentNullException.ThrowIfNull(part);
        return Auth.WithTokenAsync(async token =>
        {
            if (Volatile.Read(ref _audio) is { } audio)
            {
                try
                {
                    return await Part(audio, trackId, start, end, partBytes, part, token, ct);
                }
                catch (FlurlHttpException e) when (e.StatusCode is null && e is not FlurlHttpTimeoutException && !ct.IsCancellationRequested)
                {
                    // No answer at all (refused, reset) before any byte came: the Kestrel route serves the
                    // same bytes. The endpoint is tried again once a login names it again.
                    Interlocked.CompareExchange(ref _audio, null, audio);
                }
            }
            return await Part(_http, trackId, start, end, partBytes, part, token, ct);
        }, ct);
    }

    private async Task<bool> Part(IFlurlClient server, string trackId, long start, long end, int partBytes, RangePart part, string token, CancellationToken ct)
    {
        // The client's timeout covers the headers only once the body is read as it comes: the whole
        // transfer gets the same limit here, so a server that stalls mid-body fails the request.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(_timeout);
        using var response = await server.Request("tracks", trackId, "audio")
            .WithOAuthBearerToken(token)
            .WithHeader("Range", $"bytes={start}-{end - 1}")
            .SendAsync(HttpMethod.Get, completionOption: HttpCompletionOption.ResponseHeadersRead, cancellationToken: limit.Token);
        var length = response.ResponseMessage.Content.Headers.ContentLength;
        if (length is { } sent && sent != end - start)
            throw new InvalidDataException($"server sent {sent} bytes for {end - start}");
        await using var body = await response.GetStreamAsync();
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(partBytes, end - start));
        try
        {
            for (var offset = start; offset < end;)
            {
                var size = (int)Math.Min(partBytes, end - offset);
                try
                {
                    await body.ReadExactlyAsync(buffer.AsMemory(0, size), limit.Token);
                }
                catch (EndOfStreamException)
                {
                    throw new InvalidDataException($"server sent {offset - start} bytes for {end - start}");
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"server sent {offset - start} of {end - start} bytes in {_timeout.TotalSeconds:0} s");
                }
                part(offset, buffer.AsSpan(0, size));
                offset += size;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return true;
    }

    private async Task RememberAudioEndpointAsync(FlurlCall call)
    {
        if (!call.Succeeded || call.HttpRequestMessage.Method != HttpMethod.Post
            || !call.Request.Url.Path.EndsWith("auth/token", StringComparison.Ordinal) || call.HttpResponseMessage is null)
            return;
        TokenResponse? issued;
        try
        {
            issued = JsonSerializer.Deserialize<TokenResponse>(await call.HttpResponseMessage.Content.ReadAsByteArrayAsync(), KeepAlive.Json);
        }
        catch (JsonException)
        {
            return; // The session's own read reports a body that is not a token response.
        }
        if (issued?.AudioUrl is not { } named || !Uri.TryCreate(named, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
        {
            Volatile.Write(ref _audio, null);
            return;
        }
        lock (_audioClients)
        {
            var known = _audioClients.Find(c => new Uri(c.BaseUrl) == url);
            if (known is null)
            {
                known = KeepAlive.Client(url, _timeout);
                _audioClients.Add(known);
            }
            Volatile.Write(ref _audio, known);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        lock (_audioClients)
            foreach (var audio in _audioClients) audio.Dispose();
    }
}
