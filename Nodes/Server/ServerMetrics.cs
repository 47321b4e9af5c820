using Prometheus;
using Spotify.Rx.Server.Tracks;

namespace Spotify.Rx.Server;

/// <summary>
/// What <c>/metrics</c> tells about one server. One registry per app, so two servers in one process
/// (tests, the swarm) count apart. Children are resolved once, so counting on the audio path is an
/// interlocked add and nothing more.
/// </summary>
public sealed class ServerMetrics
{
    public ServerMetrics(CollectorRegistry registry, TrackStore library)
    {
        Registry = registry;
        // Process metrics (CPU, memory, GC counts) are read when scraped. No EventCounter or Meter
        // listeners: they would turn on ASP.NET Core's per-request hosting events, a cost on every
        // audio part for numbers nobody asked for.
        DotNetStats.Register(registry);
        var factory = Metrics.WithCustomRegistry(registry);
        var audioRequests = factory.CreateCounter(
            "spotify_rx_server_audio_requests_total", "Audio responses sent, by request form.", "form");
        AudioWhole = audioRequests.WithLabels("whole");
        AudioRange = audioRequests.WithLabels("range");
        AudioTime = audioRequests.WithLabels("time");
        AudioBytes = factory.CreateCounter("spotify_rx_server_audio_bytes_total", "Track bytes written to responses.");
        AudioConnections = factory.CreateCounter(
            "spotify_rx_server_audio_endpoint_connections_total", "Connections accepted by the sendfile audio endpoint.");
        AudioRefused = factory.CreateCounter(
            "spotify_rx_server_audio_refused_total", "Audio requests refused for a bad id, range or time, or a broken track (400, 404, 410, 416).");
        AuthRefused = factory.CreateCounter(
            "spotify_rx_server_auth_refused_total", "Track requests refused for a missing or invalid token (401).");
        TokensIssued = factory.CreateCounter("spotify_rx_server_tokens_issued_total", "Tokens handed out by POST /auth/token.");
        LoginsRefused = factory.CreateCounter(
            "spotify_rx_server_logins_refused_total", "Token requests refused for a wrong user or password.");
        var libraryTracks = factory.CreateGauge("spotify_rx_server_library_tracks", "Tracks in the catalogue.");
        var libraryBytes = factory.CreateGauge("spotify_rx_server_library_bytes", "Audio bytes of the catalogue's tracks, on disk.");
        // Read from the library when scraped, so the store needs no hook of its own.
        registry.AddBeforeCollectCallback(() =>
        {
            var tracks = library.Tracks;
            libraryTracks.Set(tracks.Count);
            libraryBytes.Set(tracks.Sum(t => (double)t.ByteLength));
        });
    }

    public CollectorRegistry Registry { get; }
    public Counter.Child AudioWhole { get; }
    public Counter.Child AudioRange { get; }
    public Counter.Child AudioTime { get; }
    public Counter AudioBytes { get; }
    public Counter AudioConnections { get; }
    public Counter AudioRefused { get; }
    public Counter AuthRefused { get; }
    public Counter TokensIssued { get; }
    public Counter LoginsRefused { get; }
}
