using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Spotify.Rx.Tracker.Input;

/// <summary>What the tracker accepts from the outside; everything else is a 400 with one of these reasons.</summary>
public static partial class TrackerInput
{
    /// <summary>Track ids are lower-case slugs, so they are safe in a URL, a Redis key and a log line.</summary>
    public static bool IsValidTrackId(string? id) => id is not null && TrackIdPattern().IsMatch(id);

    /// <summary>
    /// Reads a client's listening endpoint, <c>host:port</c>: an IPv4 address, a bracketed IPv6 address
    /// or a DNS name, and a port 1..65535. Returns the reason it is refused, or null.
    /// </summary>
    public static string? EndpointProblem(string? endpoint)
    {
        if (string.IsNullOrEmpty(endpoint)) return "endpoint is missing: expected host:port";
        if (endpoint.Length > 261) return "endpoint is longer than a host name and a port can be";
        var colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || colon == endpoint.Length - 1) return $"endpoint '{endpoint}' is not host:port";
        var host = endpoint[..colon];
        var port = endpoint[(colon + 1)..];
        if (!port.All(char.IsAsciiDigit) || !int.TryParse(port, out var p) || p is < 1 or > 65535)
            return $"endpoint port '{port}' is not a number between 1 and 65535";

        if (host.StartsWith('['))
        {
            if (!host.EndsWith(']') || !IPAddress.TryParse(host[1..^1], out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
                return $"endpoint host '{host}' is not a bracketed IPv6 address";
            return v6.Equals(IPAddress.IPv6Any) ? "endpoint host is the unspecified address: no peer can connect to it" : null;
        }
        if (host.Contains(':')) return $"endpoint '{endpoint}' is not host:port (an IPv6 host needs brackets)";
        if (IPAddress.TryParse(host, out var v4) && host.Count(c => c == '.') == 3)
            return v4.Equals(IPAddress.Any) ? "endpoint host is the unspecified address: no peer can connect to it" : null;
        return Uri.CheckHostName(host) == UriHostNameType.Dns && HostNamePattern().IsMatch(host)
            ? null
            : $"endpoint host '{host}' is not an IP address or host name";
    }

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TrackIdPattern();

    // RFC 1123 labels; rules out the all-numeric forms Uri would still call a DNS name ("1.2.3").
    [GeneratedRegex(@"\A(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostNamePattern();
}
