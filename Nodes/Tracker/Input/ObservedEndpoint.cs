using System.Net;
using System.Net.Sockets;

namespace Spotify.Rx.Tracker.Input;

/// <summary>
/// Which address a registration really comes from, and what endpoint to record for it. A client that
/// names no host (<c>:PORT</c>) or the unspecified one (<c>0.0.0.0:PORT</c>, <c>[::]:PORT</c>) is
/// recorded at the address its connection comes from, as BitTorrent trackers do; that address is
/// taken from <c>X-Forwarded-For</c> only when the connection comes from a configured trusted proxy.
/// A loopback host is refused from anyone not on the tracker's own host: nobody else could dial it.
/// </summary>
public sealed class ObservedEndpoint
{
    private readonly HashSet<IPAddress> _trustedProxies;

    public ObservedEndpoint(IEnumerable<IPAddress> trustedProxies) => _trustedProxies = [.. trustedProxies.Select(Unmapped)];

    /// <summary>The addresses in <c>Tracker:TrustedProxies</c>; returns the entries that are not IP addresses.</summary>
    public static IReadOnlyList<string> Unparsable(IEnumerable<string> entries) =>
        [.. entries.Where(e => !IPAddress.TryParse(e.Trim(), out _))];

    public static ObservedEndpoint FromConfig(IEnumerable<string> entries) =>
        new(entries.Select(e => IPAddress.TryParse(e.Trim(), out var a) ? a : null).OfType<IPAddress>());

    /// <summary>
    /// The client's address: the connection's, or behind a trusted proxy the right-most
    /// <c>X-Forwarded-For</c> entry that is not itself a trusted proxy. Null when not known.
    /// </summary>
    public (IPAddress? Address, string? Problem) Client(IPAddress? connection, string? forwardedFor)
    {
        if (connection is null) return (null, null);
        var address = Unmapped(connection);
        if (!_trustedProxies.Contains(address) || string.IsNullOrWhiteSpace(forwardedFor)) return (address, null);
        foreach (var hop in forwardedFor.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Reverse())
        {
            if (!IPAddress.TryParse(hop, out var forwarded))
                return (null, $"X-Forwarded-For entry '{Shorten(hop)}' from the trusted proxy {address} is not an IP address");
            address = Unmapped(forwarded);
            if (!_trustedProxies.Contains(address)) break;
        }
        return (address, null);
    }

    /// <summary>
    /// The endpoint to record for <paramref name="registered"/> sent by <paramref name="client"/>,
    /// or the reason it is refused (a 400). The result still goes through <see cref="TrackerInput.EndpointProblem"/>.
    /// </summary>
    public static (string? Endpoint, string? Problem) Resolve(string registered, IPAddress? client)
    {
        var colon = registered.LastIndexOf(':');
        if (colon < 0) return (registered, null);
        var host = registered[..colon];
        var port = registered[(colon + 1)..];
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        var named = IPAddress.TryParse(bare, out var ip) ? ip : null;
        var remote = client is null ? "an address the tracker cannot see" : client.ToString();
        if (host.Length == 0 || (named is not null && (named.Equals(IPAddress.Any) || named.Equals(IPAddress.IPv6Any))))
        {
            if (client is null)
                return (null, $"endpoint '{registered}' names no host and the tracker cannot see the address the registration comes from: name a reachable host");
            return (Format(client, port), null);
        }
        var loopback = named is not null ? IPAddress.IsLoopback(named) : string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);
        if (loopback && (client is null || !IPAddress.IsLoopback(client)))
            return (null, $"endpoint host '{host}' is a loopback address but the registration comes from {remote}: no other host can dial it; "
                + "register without a host (0.0.0.0:PORT) to be recorded at the address the tracker sees, or advertise a reachable one");
        return (registered, null);
    }

    private static string Format(IPAddress address, string port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    private static IPAddress Unmapped(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    private static string Shorten(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
