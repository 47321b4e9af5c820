using System.CommandLine;
using System.Reactive.Concurrency;
using Spotify.Rx.Client.Cache;
using Spotify.Rx.Client.Http;

namespace Spotify.Rx.Client.Cli;

/// <summary>Where the nodes are and who logs in: on every command (defaults: the nodes' own defaults and the demo account).</summary>
internal static class CommonOptions
{
    public static readonly Option<string> Server = new("--server") { Description = "Main server URL", DefaultValueFactory = _ => "http://127.0.0.1:5080", Recursive = true };
    public static readonly Option<string> Tracker = new("--tracker") { Description = "Tracker URL", DefaultValueFactory = _ => "http://127.0.0.1:7070", Recursive = true };
    public static readonly Option<string> User = new("--user") { Description = "Account at the main server", DefaultValueFactory = _ => "demo", Recursive = true };
    public static readonly Option<string> Password = new("--password") { Description = "Its password", DefaultValueFactory = _ => "demo", Recursive = true };
    public static readonly Option<string?> PeerId = new("--peer-id") { Description = "This client's peer id (default: a fresh one)", Recursive = true };

    public static IEnumerable<Option> All => [Server, Tracker, User, Password, PeerId];

    public static string PeerIdOf(ParseResult r) => r.GetValue(PeerId) ?? "cli-" + Guid.NewGuid().ToString("N")[..10];

    public static ServerClient ServerClient(ParseResult r) =>
        new(new Uri(r.GetValue(Server)!), r.GetValue(User)!, r.GetValue(Password)!, PeerIdOf(r), Scheduler.Default);

    public static ClientOptions ClientOptions(ParseResult r, double speed, string sink, CachePolicy cache, int port) => new()
    {
        ServerUrl = new Uri(r.GetValue(Server)!),
        TrackerUrl = new Uri(r.GetValue(Tracker)!),
        User = r.GetValue(User)!,
        Password = r.GetValue(Password)!,
        PeerId = PeerIdOf(r),
        Speed = speed,
        Sink = sink,
        Cache = cache,
        ListenPort = port,
    };
}
