using System.Reactive.Concurrency;
using System.Text.Json;
using Flurl.Http;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Client.Http;

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

    /// <summary>Bytes [<paramref name="start"/>, <paramref name="end"/>) of a track with one standard Range request.</summary>
    public Task<byte[]> RangeAsync(string trackId, long start, long end, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(end, start);
        return Auth.WithTokenAsync(async token =>
        {
            if (Volatile.Read(ref _audio) is { } audio)
            {
                try
                {
                    return await Part(audio, trackId, start, end, token, ct);
                }
                catch (FlurlHttpException e) when (e.StatusCode is null && e is not FlurlHttpTimeoutException && !ct.IsCancellationRequested)
                {
                    // No answer at all (refused, reset): the Kestrel route serves the same bytes. The endpoint
                    // is tried again once a login names it again.
                    Interlocked.CompareExchange(ref _audio, null, audio);
                }
            }
            return await Part(_http, trackId, start, end, token, ct);
        }, ct);
    }

    private static Task<byte[]> Part(IFlurlClient server, string trackId, long start, long end, string token, CancellationToken ct) =>
        server.Request("tracks", trackId, "audio")
            .WithOAuthBearerToken(token)
            .WithHeader("Range", $"bytes={start}-{end - 1}")
            .GetBytesAsync(cancellationToken: ct);

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
