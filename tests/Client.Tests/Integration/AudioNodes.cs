using System.Reactive.Concurrency;
using Microsoft.AspNetCore.Builder;
using NAudio.Wave;
using Spotify.Rx.Playback.Library;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Client.Tests.Integration.Hosting;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Client.Tests.Integration;

/// <summary>
/// A real main server and tracker on free 127.0.0.1 ports over two generated tracks of 30-36 s
/// (long enough for a random-access start at 20 s), for the tests of what a client's sink receives.
/// </summary>
public sealed class AudioNodes : IAsyncLifetime
{
    public const double Speed = 12;

    private static readonly SampleLibraryOptions LibraryOptions = new()
    {
        Count = 2,
        Seed = 4242,
        MinLength = TimeSpan.FromSeconds(30),
        MaxLength = TimeSpan.FromSeconds(36),
        Complexity = 0,
    };

    private readonly List<ClientNode> _clients = new();
    private readonly string _root = TestLibrary.TempFolder("client-audio");
    private WebApplication? _server, _tracker;

    public Uri ServerUrl { get; private set; } = null!;
    public Uri TrackerUrl { get; private set; } = null!;
    public TrackLibrary Library { get; private set; } = null!;

    /// <summary>A fresh, empty folder for a test's WAV files.</summary>
    public string Folder(string name) => TestLibrary.TempFolder("client-audio-" + name);

    public async Task InitializeAsync()
    {
        var library = Path.Combine(_root, "library");
        Library = await SampleLibrary.EnsureAsync(library, LibraryOptions);
        ServerUrl = new Uri($"http://127.0.0.1:{FreePort.Get()}");
        _server = await MainNodes.StartServerAsync(ServerUrl, FreePort.Get(), _root);
        TrackerUrl = new Uri($"http://127.0.0.1:{FreePort.Get()}");
        _tracker = await MainNodes.StartTrackerAsync(TrackerUrl, ServerUrl);
    }

    public TrackManifest Track(int index) => Library.Tracks[index];

    /// <summary>The track's file as the library holds it: what every client's verified bytes must equal.</summary>
    public byte[] File(TrackManifest track) => System.IO.File.ReadAllBytes(Library.AudioPath(track.Id));

    public Task<ClientNode> ClientAsync(string peerId, string sink, double speed = Speed) => StartAsync(Options(peerId, sink, speed));

    public ClientOptions Options(string peerId, string sink, double speed = Speed) => new()
    {
        ServerUrl = ServerUrl,
        TrackerUrl = TrackerUrl,
        PeerId = peerId,
        Speed = speed,
        Sink = sink,
    };

    public async Task<ClientNode> StartAsync(ClientOptions options)
    {
        var client = await ClientNode.StartAsync(options, Scheduler.Default);
        lock (_clients) _clients.Add(client);
        return client;
    }

    /// <summary>The interleaved 16-bit samples of a 48 kHz stereo WAV, after checking its format.</summary>
    public static short[] Samples(string wav)
    {
        using var reader = new WaveFileReader(wav);
        Assert.Equal(new WaveFormat(48_000, 16, 2), reader.WaveFormat);
        var bytes = new byte[reader.Length];
        reader.ReadExactly(bytes);
        var samples = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, bytes.Length);
        return samples;
    }

    public async Task DisposeAsync()
    {
        foreach (var c in _clients) await c.DisposeAsync();
        if (_tracker is not null) await _tracker.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}
