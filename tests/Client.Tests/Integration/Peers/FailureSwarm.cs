using System.Globalization;
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
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Client.Tests.Integration.Peers;

/// <summary>
/// The failure tests' nodes: a real main server and tracker on free 127.0.0.1 ports over the
/// same kind of generated library as <see cref="Swarm"/>, with a server that can be stopped and
/// restarted on its port and key with another token lifetime, and standalone peers.
/// </summary>
public sealed class FailureSwarm : IAsyncLifetime
{
    public const double Speed = Swarm.Speed;

    private readonly string _root = TestLibrary.TempFolder("client-failures");
    private WebApplication? _server, _tracker;

    public Uri ServerUrl { get; private set; } = null!;
    public Uri TrackerUrl { get; private set; } = null!;
    public TrackLibrary Library { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Library = await SampleLibrary.EnsureAsync(Path.Combine(_root, "library"), Swarm.LibraryOptions);
        await StartServerAsync(FreePort.Get());
        TrackerUrl = new Uri($"http://127.0.0.1:{FreePort.Get()}");
        _tracker = TrackerApp.Build(["--urls", TrackerUrl.ToString()], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tracker:JwksUrl"] = new Uri(ServerUrl, "/.well-known/jwks.json").ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await _tracker.StartAsync();
    }

    /// <summary>Starts (or restarts, on the same port and key) the main server; its tokens live <paramref name="tokenLifetime"/> (default an hour).</summary>
    public async Task StartServerAsync(int port, TimeSpan? tokenLifetime = null)
    {
        ServerUrl = new Uri($"http://127.0.0.1:{port}");
        var settings = new Dictionary<string, string?>
        {
            ["Server:LibraryFolder"] = Path.Combine(_root, "library"),
            ["Server:SigningKeyFile"] = Path.Combine(_root, "keys", "signing.pem"),
            ["Server:DemoAccount"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (tokenLifetime is { } life) settings["Server:TokenLifetime"] = life.ToString("c", CultureInfo.InvariantCulture);
        _server = ServerApp.Build(["--urls", ServerUrl.ToString()], b => b.Configuration.AddInMemoryCollection(settings));
        await _server.StartAsync();
    }

    public async Task StopServerAsync()
    {
        if (_server is null) return;
        await _server.StopAsync();
        await _server.DisposeAsync();
        _server = null;
    }

    /// <summary>The <paramref name="index"/>th track of the library, by length: 0 the shortest.</summary>
    public TrackManifest TrackByLength(int index) => Library.Tracks.OrderBy(t => t.Duration).ElementAt(index);

    /// <summary>The library's own copy of a track: what every client must end up with.</summary>
    public byte[] Original(string trackId) => File.ReadAllBytes(Library.AudioPath(trackId));

    /// <summary>A track as a peer's cache would hold it: the manifest and the whole file.</summary>
    public MemoryTracks Holding(string trackId)
    {
        var held = new MemoryTracks();
        held.Add(Library.Find(trackId)!, Original(trackId));
        return held;
    }

    /// <summary>A client at the speed factor; the test disposes it, so the next test's tracker lookups do not find it.</summary>
    public Task<ClientNode> ClientAsync(string peerId) =>
        ClientNode.StartAsync(new ClientOptions
        {
            ServerUrl = ServerUrl,
            TrackerUrl = TrackerUrl,
            PeerId = peerId,
            Cache = CachePolicy.Lru,
            Speed = Speed,
        }, Scheduler.Default);

    /// <summary>A standalone peer serving <paramref name="tracks"/>, registered at the tracker for <paramref name="trackId"/>; the test disposes it.</summary>
    public async Task<TestPeer> PeerAsync(string peerId, string trackId, ICachedTracks tracks)
    {
        var peer = await TestPeer.StartAsync(ServerUrl, TrackerUrl, peerId, tracks);
        await peer.RegisterAsync(trackId);
        return peer;
    }

    /// <summary>The first snapshot of <paramref name="client"/> that satisfies <paramref name="condition"/>.</summary>
    public static Task<ClientSnapshot> When(ClientNode client, Func<ClientSnapshot, bool> condition) =>
        client.Snapshots.FirstAsync(condition).Timeout(TimeSpan.FromSeconds(60)).ToTask();

    public async Task DisposeAsync()
    {
        if (_tracker is not null) await _tracker.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}
