using System.Text.Json;
using Flurl.Http;
using Flurl.Http.Configuration;

namespace Spotify.Rx.Client.Http;

/// <summary>
/// A Flurl client that speaks to one node over a single persistent HTTP/1.1 connection
/// (docs/ARCHITECTURE.md: connections are persistent; the server's keep-alive is the normal case).
/// </summary>
internal static class KeepAlive
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IFlurlClient Client(Uri baseUrl, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            // One connection: requests to the same node queue on it instead of opening more.
            MaxConnectionsPerServer = 1,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseProxy = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        var http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
        var client = new FlurlClient(http);
        client.Settings.Timeout = timeout;
        client.Settings.JsonSerializer = new DefaultJsonSerializer(Json);
        return client;
    }
}
