using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Spotify.Rx.Server.Audio;

/// <summary>
/// Where the sendfile audio endpoint listens (<c>Server:AudioUrl</c>), and what token responses tell
/// clients about it. Kestrel drops the <c>urls</c> setting as soon as one endpoint is configured in
/// code, so when the audio endpoint is on, the HTTP endpoints of <c>urls</c> are bound here as well.
/// </summary>
public static class AudioEndpointAddress
{
    /// <summary>An <c>http://host:port</c> with nothing after the port but an optional <c>/</c>.</summary>
    public static bool TryParse(string url, out BindingAddress address, out string why)
    {
        address = null!;
        try
        {
            address = BindingAddress.Parse(url.Trim());
        }
        catch (FormatException e)
        {
            why = "is not a URL: " + e.Message;
            return false;
        }
        why = "";
        if (address.Scheme != "http") why = "must be plain http:// (the endpoint speaks no TLS)";
        else if (address.IsUnixPipe) why = "must be a TCP address";
        else if (address.PathBase.Length > 0) why = "must have no path";
        else if (address.Port is < 1 or > 65535 || !NamesPort(url.Trim())) why = "needs a port";
        return why.Length == 0;
    }

    private static bool NamesPort(string url)
    {
        var authority = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..].Split('/')[0];
        return authority.IndexOf(':', authority.LastIndexOf(']') + 1) >= 0;
    }

    /// <summary>
    /// Adds the audio endpoint to Kestrel's addresses next to those of <c>urls</c>, and makes the
    /// endpoint on its port run <see cref="AudioConnectionHandler"/> instead of HTTP. Binding it with
    /// <c>Listen</c> instead would make Kestrel drop every <c>urls</c> address.
    /// </summary>
    public static void Bind(WebApplicationBuilder builder, string audioUrl)
    {
        // A bad URL is reported by ServerOptionsValidator when the host starts, with every other bad setting.
        if (!TryParse(audioUrl, out var audio, out _)) return;
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? "";
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == audio.Port) listen.UseConnectionHandler<AudioConnectionHandler>();
        }));
        // Kestrel reads the hosting addresses only while none are set, so "urls" must be listed here too.
        builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), audio.ToString()]);
    }

    /// <summary>
    /// The URL to tell a client: <c>Server:AdvertisedAudioUrl</c> when set (a load balancer, a port
    /// mapping); else the configured one, except that a wildcard host (<c>0.0.0.0</c>, <c>*</c>, <c>[::]</c>)
    /// is replaced by the host the client reached the server at, and an endpoint only on loopback is
    /// not told to a client that reached the server from elsewhere (it falls back to the HTTP route).
    /// </summary>
    public static string? Advertised(string? audioUrl, string? requestHost, string? advertisedAudioUrl = null)
    {
        if (!string.IsNullOrWhiteSpace(advertisedAudioUrl)) return advertisedAudioUrl.Trim().TrimEnd('/');
        if (string.IsNullOrWhiteSpace(audioUrl) || !TryParse(audioUrl, out var audio, out _)) return null;
        var host = audio.Host;
        var reachedAt = string.IsNullOrEmpty(requestHost) ? null
            // Host header "name:port" or "[v6]:port": keep the name, use the audio port.
            : requestHost.StartsWith('[') ? requestHost[..(requestHost.IndexOf(']') + 1)] : requestHost.Split(':')[0];
        if (IsWildcard(host))
        {
            if (reachedAt is null) return null;
            host = reachedAt;
        }
        else if (IsLoopback(host) && reachedAt is not null && !IsLoopback(reachedAt)) return null;
        return $"http://{host}:{audio.Port}";
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));

    private static bool IsWildcard(string host) =>
        host is "*" or "+" or "0.0.0.0" or "[::]" or "::";
}
