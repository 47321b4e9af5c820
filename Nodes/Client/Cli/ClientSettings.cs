using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Spotify.Rx.Client.Cache;
using Spotify.Rx.Common.Auth;

namespace Spotify.Rx.Client.Cli;

/// <summary>
/// The client's settings, bound from the <c>Client</c> configuration section: appsettings.json, then
/// <c>Client__X</c> environment variables, then <c>--Client:X=V</c> arguments, then the command's own
/// options (highest). Checked once, at start: a bad value is a <see cref="UsageException"/> (exit 2).
/// </summary>
internal sealed class ClientSettings
{
    public const string Section = "Client";

    public string Server { get; set; } = "http://127.0.0.1:5080";
    public string Tracker { get; set; } = "http://127.0.0.1:7070";
    public string User { get; set; } = "demo";
    public string Password { get; set; } = "demo";
    /// <summary>Empty: a fresh one per start.</summary>
    public string? PeerId { get; set; }
    public double Speed { get; set; } = 1;
    public string Sink { get; set; } = "null";
    /// <summary><c>ttl30</c> (entries last 30 s, the seed's) or <c>lru</c>; empty: the command's default.</summary>
    public string? Cache { get; set; }
    public int Port { get; set; }
    public string[] Neighbours { get; set; } = [];
    /// <summary><c>ADDRESS[:PORT]</c> the overlay listens on; empty: every interface at <see cref="Port"/>.</summary>
    public string? Listen { get; set; }
    /// <summary><c>HOST:PORT</c> other peers should dial; empty: the address the tracker sees, the listening port.</summary>
    public string? Advertise { get; set; }
    /// <summary>A folder that keeps the LRU cache across runs.</summary>
    public string? CacheDir { get; set; }
    /// <summary>A file that gets every log line (Information and up, Debug with -v), exceptions in full.</summary>
    public string? Log { get; set; }

    public static ClientSettings From(IConfiguration configuration)
    {
        var settings = new ClientSettings();
        try
        {
            configuration.GetSection(Section).Bind(settings);
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key and the value it could not convert.
            throw new UsageException(e.InnerException?.Message is { } inner ? $"{e.Message} {inner}" : e.Message);
        }
        return settings;
    }

    public Uri ServerUrl => NodeUrl(Server, "--server");
    public Uri TrackerUrl => NodeUrl(Tracker, "--tracker");

    public CachePolicy CachePolicy(CachePolicy fallback) => Cache?.Trim().ToLowerInvariant() switch
    {
        null or "" => fallback,
        "ttl30" => Client.Cache.CachePolicy.Expire30s,
        "lru" => Client.Cache.CachePolicy.Lru,
        var other => throw new UsageException($"--cache '{other}': expected ttl30 (entries last 30 s) or lru"),
    };

    /// <summary>The peer id set, or a fresh one each call when none is.</summary>
    public string PeerIdOrFresh()
    {
        if (string.IsNullOrEmpty(PeerId)) return "cli-" + Guid.NewGuid().ToString("N")[..10];
        return TokenClaims.IsValidPeerId(PeerId) ? PeerId : throw new UsageException($"--peer-id '{PeerId}': not a valid peer id");
    }

    /// <summary>The neighbours as endpoints; a host name is resolved once, here.</summary>
    public IReadOnlyList<IPEndPoint> NeighbourEndpoints() => Neighbours.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => Endpoint(n, "--neighbour")).ToList();

    public ClientOptions ToOptions(CachePolicy defaultCache)
    {
        if (!(Speed > 0) || double.IsInfinity(Speed)) throw new UsageException($"--speed {Speed.ToString(CultureInfo.InvariantCulture)}: must be a positive number");
        if (Port is < 0 or > 65535) throw new UsageException($"--port {Port}: must be 0 (any free port) to 65535");
        var listenAt = new IPEndPoint(IPAddress.IPv6Any, Port);
        if (!string.IsNullOrWhiteSpace(Listen) && OverlayAddress.ParseListen(Listen, out listenAt) is { } listenProblem)
            throw new UsageException(listenProblem);
        if (!string.IsNullOrWhiteSpace(Advertise) && OverlayAddress.AdvertiseProblem(Advertise) is { } advertiseProblem)
            throw new UsageException(advertiseProblem);
        var cache = CachePolicy(defaultCache);
        if (!string.IsNullOrWhiteSpace(CacheDir) && cache != Client.Cache.CachePolicy.Lru)
            throw new UsageException("--cache-dir keeps only the LRU cache: add --cache lru (the seed's 30 s cache stays in memory)");
        return new ClientOptions
        {
            ServerUrl = ServerUrl,
            TrackerUrl = TrackerUrl,
            User = User,
            Password = Password,
            PeerId = PeerIdOrFresh(),
            Speed = Speed,
            Sink = Sink,
            Cache = cache,
            ListenPort = listenAt.Port != 0 ? listenAt.Port : Port,
            ListenAddress = listenAt.Address,
            AdvertisedEndpoint = string.IsNullOrWhiteSpace(Advertise) ? null : Advertise,
            CacheDirectory = string.IsNullOrWhiteSpace(CacheDir) ? null : CacheDir,
        };
    }

    private static Uri NodeUrl(string text, string option) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new UsageException($"{option} '{text}': expected an http:// or https:// URL, e.g. http://127.0.0.1:5080");

    /// <summary><c>HOST:PORT</c> (IPv6 as <c>[::1]:PORT</c>); the reason when it is not one.</summary>
    public static IPEndPoint Endpoint(string text, string option)
    {
        var value = text.Trim();
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1 || (value.Count(c => c == ':') > 1 && !value.StartsWith('[')))
            throw new UsageException($"{option} '{text}': expected HOST:PORT, e.g. 127.0.0.1:7100 or [::1]:7100");
        var host = value[..colon].Trim('[', ']');
        if (!int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new UsageException($"{option} '{text}': the port must be a number from 1 to 65535");
        if (IPAddress.TryParse(host, out var address)) return new IPEndPoint(address, port);
        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
            throw new UsageException($"{option} '{text}': '{host}' is neither an IP address nor a host name");
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            // IPv4 first: that is where the overlay listens by default.
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            return chosen is not null ? new IPEndPoint(chosen, port) : throw new UsageException($"{option} '{text}': host '{host}' has no address");
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new UsageException($"{option} '{text}': host '{host}' not found ({e.Message})");
        }
    }
}

/// <summary>A setting or option that cannot be used: its message is the reason, the exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
