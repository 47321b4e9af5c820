using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Spotify.Rx.Client.Cache;
using Spotify.Rx.Client.Tests.Integration.Hosting;
using Spotify.Rx.Playback.Library;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Testing;

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
    private readonly int _audioPort = FreePort.Get();
    // A mirror brought back on its port must come back with its audio endpoint where it was.
    private readonly Dictionary<int, int> _mirrorAudioPorts = new();
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
        _tracker = await MainNodes.StartTrackerAsync(TrackerUrl, ServerUrl);
    }

    /// <summary>Starts (or restarts, on the same ports and key) the main server.</summary>
    public async Task StartServerAsync(int port)
    {
        ServerUrl = new Uri($"http://127.0.0.1:{port}");
        _server = await MainNodes.StartServerAsync(ServerUrl, _audioPort, _root);
    }

    /// <summary>
    /// A second main server on <paramref name="port"/> over the same library and signing key, so its
    /// tokens are good everywhere; stop it (StopAsync, DisposeAsync) and call this again on the same
    /// port to bring it back.
    /// </summary>
    public async Task<WebApplication> StartMirrorAsync(int port)
    {
        int audioPort;
        lock (_mirrorAudioPorts)
            if (!_mirrorAudioPorts.TryGetValue(port, out audioPort)) _mirrorAudioPorts[port] = audioPort = FreePort.Get();
        var mirror = await MainNodes.StartServerAsync(new Uri($"http://127.0.0.1:{port}"), audioPort, _root);
        lock (_owned) _owned.Add(mirror);
        return mirror;
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

    /// <summary>Writes each rule event of <paramref name="client"/> to the test's output, after <paramref name="name"/> if given.</summary>
    public static IDisposable Log(ClientNode client, Xunit.Abstractions.ITestOutputHelper output, string? name = null) =>
        client.Events.Subscribe(e => output.WriteLine($"{(name is null ? "" : name + " ")}{e.At:HH:mm:ss.fff} {e.Kind}: {e.Detail}"));

    public async Task DisposeAsync()
    {
        // Clients first, while their servers still answer; a mirror stopped by its test is disposed again harmlessly.
        foreach (var c in _owned) await c.DisposeAsync();
        if (_tracker is not null) await _tracker.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}
