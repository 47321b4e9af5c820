using System.Reactive.Concurrency;
using Flurl.Http;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Client.Http;

/// <summary>The main server as the client sees it: login, catalogue, manifests and parts of tracks.</summary>
public sealed class ServerClient : IDisposable
{
    private readonly IFlurlClient _http;

    public ServerClient(Uri serverUrl, string user, string password, string peerId, IScheduler clock, TimeSpan? timeout = null)
    {
        _http = KeepAlive.Client(serverUrl, timeout ?? TimeSpan.FromSeconds(30));
        Auth = new AuthSession(_http, user, password, peerId, clock);
        Url = serverUrl;
    }

    public Uri Url { get; }
    public AuthSession Auth { get; }

    public Task<TrackPage> TracksAsync(int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        Auth.WithTokenAsync(token => _http.Request("tracks")
            .SetQueryParams(new { page, pageSize })
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
        return Auth.WithTokenAsync(token => _http.Request("tracks", trackId, "audio")
            .WithOAuthBearerToken(token)
            .WithHeader("Range", $"bytes={start}-{end - 1}")
            .GetBytesAsync(cancellationToken: ct), ct);
    }

    public void Dispose() => _http.Dispose();
}
