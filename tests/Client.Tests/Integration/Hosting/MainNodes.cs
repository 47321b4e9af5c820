using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Spotify.Rx.Server;
using Spotify.Rx.Tracker;

namespace Spotify.Rx.Client.Tests.Integration.Hosting;

/// <summary>
/// The real main server and tracker that every client fixture runs against, started the way a user
/// starts them but in-process on 127.0.0.1: the server serves its library's audio from the sendfile
/// endpoint as well (its address is in every token response, so the clients fetch parts there).
/// </summary>
internal static class MainNodes
{
    /// <summary>
    /// A main server on <paramref name="url"/> with the sendfile endpoint on <paramref name="audioPort"/>,
    /// over <c>root/library</c> and the signing key in <c>root/keys</c>: a restart with the same
    /// arguments is the same server to every client (same addresses, same key).
    /// </summary>
    public static async Task<WebApplication> StartServerAsync(Uri url, int audioPort, string root,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Server:LibraryFolder"] = Path.Combine(root, "library"),
            ["Server:SigningKeyFile"] = Path.Combine(root, "keys", "signing.pem"),
            ["Server:AudioUrl"] = $"http://127.0.0.1:{audioPort}",
            ["Server:DemoAccount"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        var server = ServerApp.Build(["--urls", url.ToString()], b => b.Configuration.AddInMemoryCollection(configuration));
        await server.StartAsync();
        return server;
    }

    /// <summary>A tracker on <paramref name="url"/> that checks tokens against <paramref name="serverUrl"/>'s published key.</summary>
    public static async Task<WebApplication> StartTrackerAsync(Uri url, Uri serverUrl)
    {
        var tracker = TrackerApp.Build(["--urls", url.ToString()], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tracker:JwksUrl"] = new Uri(serverUrl, "/.well-known/jwks.json").ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await tracker.StartAsync();
        return tracker;
    }
}
