using System.CommandLine;
using System.Globalization;

namespace Spotify.Rx.Client.Cli;

/// <summary>
/// Where the nodes are, who logs in, and the log: on every command. None has a default of its own:
/// an option given wins over <c>Client__X</c> in the environment, which wins over appsettings.json,
/// which holds the defaults (<see cref="ClientSettings"/>).
/// </summary>
internal static class CommonOptions
{
    public static readonly Option<string?> Server = new("--server") { Description = "Main server URL [Client:Server, default http://127.0.0.1:5080]", Recursive = true };
    public static readonly Option<string?> Tracker = new("--tracker") { Description = "Tracker URL [Client:Tracker, default http://127.0.0.1:7070]", Recursive = true };
    public static readonly Option<string?> User = new("--user") { Description = "Account at the main server [Client:User, default demo]", Recursive = true };
    public static readonly Option<string?> Password = new("--password") { Description = "Its password; better from the environment: Client__Password [default demo]", Recursive = true };
    public static readonly Option<string?> PeerId = new("--peer-id") { Description = "This client's peer id [Client:PeerId, default: a fresh one]", Recursive = true };
    public static readonly Option<string?> Log = new("--log") { Description = "Also write every log line (info and up, debug with -v) to this file [Client:Log]", Recursive = true };
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Information on stderr too (warnings only without it)", Recursive = true };

    public static IEnumerable<Option> All => [Server, Tracker, User, Password, PeerId, Log, Verbose];

    /// <summary>The options given on the command line, as configuration keys of the Client section.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Given(ParseResult r)
    {
        foreach (var (option, key) in new[] { (Server, "Server"), (Tracker, "Tracker"), (User, "User"), (Password, "Password"), (PeerId, "PeerId"), (Log, "Log") })
            if (r.GetValue(option) is { } value) yield return new($"{ClientSettings.Section}:{key}", value);
    }
}

/// <summary>What a playing command (<c>play</c>, <c>run</c>) takes beyond the common options; one set per command.</summary>
internal sealed class PlayerOptions
{
    public readonly Option<double?> Speed = new("--speed") { Description = "Speed factor: audio seconds per real second [Client:Speed, default 1]" };
    public readonly Option<string?> Sink = new("--sink") { Description = "null (no sound) | wav:FILE | device (pw-play or aplay, speed 1 only) [Client:Sink, default null]" };
    public readonly Option<string?> Cache;
    public readonly Option<int?> Port = new("--port") { Description = "Overlay listening port, 0 for any free one [Client:Port, default 0]" };
    public readonly Option<string[]> Neighbours = new("--neighbour") { Description = "HOST:PORT of an overlay neighbour, repeatable [Client:Neighbours:0 ...]" };
    public readonly Option<bool> Plain = new("--plain") { Description = "Plain lines even on a terminal" };
    public readonly Option<string?> Listen = new("--listen") { Description = "ADDRESS[:PORT] the overlay listens on [Client:Listen, default: every interface, IPv4 and IPv6, at --port]" };
    public readonly Option<string?> Advertise = new("--advertise") { Description = "HOST:PORT other peers should dial [Client:Advertise, default: the address the tracker sees this client at, the listening port]" };
    public readonly Option<string?> CacheDir = new("--cache-dir") { Description = "Keep the LRU cache in this folder across runs, verified at start [Client:CacheDir; lru only]" };

    public PlayerOptions(string defaultCache)
    {
        Cache = new Option<string?>("--cache") { Description = $"Cache policy: ttl30 (entries last 30 s, the seed's) or lru [Client:Cache, default {defaultCache}]" };
        Cache.AcceptOnlyFromAmong("ttl30", "lru");
    }

    public IEnumerable<Option> All => [Speed, Sink, Cache, Port, Neighbours, Plain, Listen, Advertise, CacheDir];

    public IEnumerable<KeyValuePair<string, string?>> Given(ParseResult r)
    {
        const string s = ClientSettings.Section;
        if (r.GetValue(Speed) is { } speed) yield return new($"{s}:Speed", speed.ToString(CultureInfo.InvariantCulture));
        if (r.GetValue(Sink) is { } sink) yield return new($"{s}:Sink", sink);
        if (r.GetValue(Cache) is { } cache) yield return new($"{s}:Cache", cache);
        if (r.GetValue(Port) is { } port) yield return new($"{s}:Port", port.ToString(CultureInfo.InvariantCulture));
        if (r.GetValue(Listen) is { } listen) yield return new($"{s}:Listen", listen);
        if (r.GetValue(Advertise) is { } advertise) yield return new($"{s}:Advertise", advertise);
        if (r.GetValue(CacheDir) is { } cacheDir) yield return new($"{s}:CacheDir", cacheDir);
        var neighbours = r.GetValue(Neighbours) ?? [];
        for (var i = 0; i < neighbours.Length; i++) yield return new($"{s}:Neighbours:{i}", neighbours[i]);
    }
}
