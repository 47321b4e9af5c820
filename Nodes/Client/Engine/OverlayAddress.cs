using System.Net;
using System.Net.Sockets;
using Flurl.Http;
using Spotify.Rx.Client.Http;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Client;

/// <summary>How a client names its overlay endpoint to the tracker and to peers.</summary>
public static class OverlayAddress
{
    /// <summary>
    /// Reads <c>--listen</c>: <c>ADDRESS</c>, <c>ADDRESS:PORT</c> or <c>[V6]:PORT</c> (port 0 or none: a free one).
    /// Returns the reason it is refused, or null.
    /// </summary>
    public static string? ParseListen(string text, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.IPv6Any, 0);
        if (IPEndPoint.TryParse(text.Trim(), out var parsed) && (text.Contains('.') || text.Contains('[') || text.Count(c => c == ':') >= 2))
        {
            endpoint = parsed;
            return null;
        }
        return $"--listen '{text}' is not ADDRESS[:PORT] (e.g. 0.0.0.0:6881, [::]:6881, 10.0.0.5)";
    }

    /// <summary>Reads <c>--advertise</c>: <c>HOST:PORT</c> with a port 1..65535. Returns the reason it is refused, or null.</summary>
    public static string? AdvertiseProblem(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out var port) || port is < 1 or > 65535 || text[(colon + 1)..].Any(c => !char.IsAsciiDigit(c)))
            return $"--advertise '{text}' is not HOST:PORT with a port between 1 and 65535";
        var host = text[..colon];
        if (host.StartsWith('[') ? !(host.EndsWith(']') && IPAddress.TryParse(host[1..^1], out _)) : host.Contains(':'))
            return $"--advertise '{text}': an IPv6 host goes in brackets, [::1]:6881";
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)))
            return $"--advertise '{text}' names the unspecified address: no peer can dial it (leave --advertise out to be seen at your real address)";
        return Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown ? $"--advertise '{text}': '{host}' is not a host name or IP address" : null;
    }

    /// <summary>The advertised endpoint as an address a HAVE can carry (a host name is looked up once, at start).</summary>
    public static async Task<IPEndPoint> ResolveAsync(string advertised, CancellationToken ct)
    {
        if (AdvertiseProblem(advertised) is { } why) throw new ArgumentException(why, nameof(advertised));
        var colon = advertised.LastIndexOf(':');
        var host = advertised[..colon].Trim('[', ']');
        var port = int.Parse(advertised[(colon + 1)..]);
        if (IPAddress.TryParse(host, out var ip)) return new IPEndPoint(ip, port);
        var addresses = await Dns.GetHostAddressesAsync(host, ct);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new ArgumentException($"--advertise host '{host}' has no address", nameof(advertised));
        return new IPEndPoint(chosen, port);
    }

    /// <summary>
    /// What to register without an advertised endpoint: the listening one, its address unspecified
    /// (<c>0.0.0.0:PORT</c>) when it listens on every interface, so the tracker records the address it
    /// sees the client at.
    /// </summary>
    public static string Registered(IPEndPoint listening) =>
        listening.Address.Equals(IPAddress.IPv6Any) || listening.Address.Equals(IPAddress.Any)
            ? $"0.0.0.0:{listening.Port}"
            : listening.ToString();

    internal static async Task<TrackManifest?> ManifestOrNullAsync(ServerClient server, string trackId, CancellationToken ct)
    {
        try
        {
            return await server.ManifestAsync(trackId, ct);
        }
        catch (FlurlHttpException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }
}
