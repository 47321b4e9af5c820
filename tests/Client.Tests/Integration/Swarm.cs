using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Spotify.Rx.Client.Cache;
using Spotify.Rx.Playback.Library;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Server;
using Spotify.Rx.Testing;
using Spotify.Rx.Tracker;

namespace Spotify.Rx.Client.Tests.Integration;

/// <summary>
/// A real main server and tracker on free 127.0.0.1 ports, over a generated library of tracks
/// long enough that the first 15 s from the server are a small part of each; clients are
/// started per test at a high speed factor. A mirror (a second main server over the same library
/// and signing key) lets one client lose its server while the others keep theirs.
/// </summary>
public sealed class Swarm : IAsyncLifetime
{
    public const double Speed = 12;

    public static readonly SampleLibraryOptions LibraryOptions = new()
    {
        Count = 3,
        Seed = 77,
        MinLength = TimeSpan.FromSeconds(70),
        MaxLength = TimeSpan.FromSeconds(90),
        Complexity = 0,
    };

    private readonly List<IAsyncDisposable> _owned = new();
    private readonly string _root = TestLibrary.TempFolder("client-swarm");
    private WebApplication? _server, _tracker;

    public Uri ServerUrl { get; private set; } = null!;
    public Uri TrackerUrl { get; private set; } = null!;
    public TrackLibrary Library { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // A fourth track for what must be cached nowhere else in a test class (the prefetch test's next track).
        Library = await SampleLibrary.EnsureAsync(Path.Combine(_root, "library"), LibraryOptions with { Count = 4 });
        await StartServerAsync(FreePort.Get());
        await StartTrackerAsync(FreePort.Get());
    }

    /// <summary>Starts (or restarts, on the same port) the tracker; its registrations start empty.</summary>
    public async Task StartTrackerAsync(int port)
    {
        TrackerUrl = new Uri($"http://127.0.0.1:{port}");
        _tracker = TrackerApp.Build(["--urls", TrackerUrl.ToString()], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tracker:JwksUrl"] = new Uri(ServerUrl, "/.well-known/jwks.json").ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await _tracker.StartAsync();
    }

    /// <summary>Starts (or restarts, on the same port and key) the main server.</summary>
    public async Task StartServerAsync(int port)
    {
        ServerUrl = new Uri($"http://127.0.0.1:{port}");
        _server = await StartMainServerAsync(ServerUrl);
    }

    /// <summary>
    /// A second main server on <paramref name="port"/> over the same library and signing key, so its
    /// tokens are good everywhere; stop it (StopAsync, DisposeAsync) and call this again on the same
    /// port to bring it back.
    /// </summary>
    public async Task<WebApplication> StartMirrorAsync(int port)
    {
        var mirror = await StartMainServerAsync(new Uri($"http://127.0.0.1:{port}"));
        lock (_owned) _owned.Add(mirror);
        return mirror;
    }

    private async Task<WebApplication> StartMainServerAsync(Uri url)
    {
        var server = ServerApp.Build(["--urls", url.ToString()], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Server:LibraryFolder"] = Path.Combine(_root, "library"),
            ["Server:SigningKeyFile"] = Path.Combine(_root, "keys", "signing.pem"),
            ["Server:DemoAccount"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await server.StartAsync();
        return server;
    }

    public async Task StopServerAsync()
    {
        if (_server is null) return;
        await _server.StopAsync();
        await _server.DisposeAsync();
        _server = null;
    }

    public async Task StopTrackerAsync()
    {
        if (_tracker is null) return;
        await _tracker.StopAsync();
        await _tracker.DisposeAsync();
        _tracker = null;
    }

    public string TrackId(int index) => Library.Tracks[index].Id;

    public async Task<ClientNode> ClientAsync(string peerId, CachePolicy cache = CachePolicy.Lru, double speed = Speed, TimeSpan? cacheLifetime = null,
        Uri? server = null, TimeSpan? idleTimeout = null)
    {
        var client = await ClientNode.StartAsync(new ClientOptions
        {
            ServerUrl = server ?? ServerUrl,
            IdleTimeout = idleTimeout,
            TrackerUrl = TrackerUrl,
            PeerId = peerId,
            Cache = cache,
            Speed = speed,
            CacheLifetime = cacheLifetime,
        }, Scheduler.Default);
        lock (_owned) _owned.Add(client);
        return client;
    }

    /// <summary>Waits for the first rule event of <paramref name="kind"/> whose detail contains <paramref name="text"/>.</summary>
    public static Task<RuleEvent> Next(ClientNode client, string kind, string text = "") =>
        client.Events.FirstAsync(e => e.Kind == kind && e.Detail.Contains(text)).Timeout(TimeSpan.FromSeconds(60)).ToTask();

    public async Task DisposeAsync()
    {
        // Clients first, while their servers still answer; a mirror stopped by its test is disposed again harmlessly.
        foreach (var c in _owned) await c.DisposeAsync();
        if (_tracker is not null) await _tracker.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}
