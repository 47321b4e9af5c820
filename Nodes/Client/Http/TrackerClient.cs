using Flurl.Http;
using Spotify.Rx.Common.Contracts;

namespace Spotify.Rx.Client.Http;

/// <summary>The tracker as the client sees it: register and remove its cached tracks, look up peers.</summary>
public sealed class TrackerClient : IDisposable
{
    private readonly IFlurlClient _http;
    private readonly AuthSession _auth;

    public TrackerClient(Uri trackerUrl, AuthSession auth, TimeSpan? timeout = null)
    {
        _http = KeepAlive.Client(trackerUrl, timeout ?? TimeSpan.FromSeconds(10));
        _auth = auth;
    }

    /// <summary>"This client has this track fully cached", at its listening endpoint.</summary>
    public Task RegisterAsync(string trackId, string endpoint, CancellationToken ct = default) =>
        _auth.WithTokenAsync(async token =>
        {
            await _http.Request("tracks", trackId, "peers", _auth.PeerId)
                .WithOAuthBearerToken(token)
                .PutJsonAsync(new PeerRegistration(endpoint), cancellationToken: ct);
            return true;
        }, ct);

    /// <summary>It no longer has it; a registration already gone (404) is as good as removed.</summary>
    public Task RemoveAsync(string trackId, CancellationToken ct = default) =>
        _auth.WithTokenAsync(async token =>
        {
            await _http.Request("tracks", trackId, "peers", _auth.PeerId)
                .WithOAuthBearerToken(token)
                .AllowHttpStatus(404)
                .DeleteAsync(cancellationToken: ct);
            return true;
        }, ct);

    public Task<PeerList> PeersAsync(string trackId, CancellationToken ct = default) =>
        _auth.WithTokenAsync(token => _http.Request("tracks", trackId, "peers")
            .WithOAuthBearerToken(token)
            .GetJsonAsync<PeerList>(cancellationToken: ct), ct);

    public void Dispose() => _http.Dispose();
}
