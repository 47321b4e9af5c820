using Prometheus;

namespace Spotify.Rx.Server;

/// <summary>
/// What <c>/metrics</c> tells about the server. Children are resolved once, so counting on the
/// audio path is an interlocked add and nothing more.
/// </summary>
public static class ServerMetrics
{
    // Must run before anything touches the default registry. prometheus-net would otherwise listen to
    // every EventSource and Meter, which turns on ASP.NET Core's per-request hosting events: a cost
    // on every audio part for numbers nobody asked for. Process metrics stay.
    private static readonly bool DefaultsSuppressed = SuppressDefaults();

    private static bool SuppressDefaults()
    {
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressProcessMetrics = false,
            SuppressDebugMetrics = true,
            SuppressEventCounters = true,
            SuppressMeters = true,
        });
        return true;
    }

    /// <summary>Sets the registry up; call before mapping <c>/metrics</c>.</summary>
    public static void Initialize() => _ = DefaultsSuppressed;

    private static readonly Counter AudioRequests = Metrics.CreateCounter(
        "spotify_rx_server_audio_requests_total", "Audio responses sent, by request form.", "form");
    public static readonly Counter.Child AudioWhole = AudioRequests.WithLabels("whole");
    public static readonly Counter.Child AudioRange = AudioRequests.WithLabels("range");
    public static readonly Counter.Child AudioTime = AudioRequests.WithLabels("time");

    public static readonly Counter AudioBytes = Metrics.CreateCounter(
        "spotify_rx_server_audio_bytes_total", "Track bytes written to responses.");
    public static readonly Counter AudioConnections = Metrics.CreateCounter(
        "spotify_rx_server_audio_endpoint_connections_total", "Connections accepted by the sendfile audio endpoint.");
    public static readonly Counter AudioRefused = Metrics.CreateCounter(
        "spotify_rx_server_audio_refused_total", "Audio requests refused for a bad id, range or time, or a broken track (400, 404, 410, 416).");
    public static readonly Counter AuthRefused = Metrics.CreateCounter(
        "spotify_rx_server_auth_refused_total", "Track requests refused for a missing or invalid token (401).");
    public static readonly Counter TokensIssued = Metrics.CreateCounter(
        "spotify_rx_server_tokens_issued_total", "Tokens handed out by POST /auth/token.");
    public static readonly Counter LoginsRefused = Metrics.CreateCounter(
        "spotify_rx_server_logins_refused_total", "Token requests refused for a wrong user or password.");
    public static readonly Gauge LibraryTracks = Metrics.CreateGauge(
        "spotify_rx_server_library_tracks", "Tracks in the catalogue.");
    public static readonly Gauge LibraryBytes = Metrics.CreateGauge(
        "spotify_rx_server_library_bytes", "Audio bytes of the catalogue's tracks, on disk.");
}
