using Microsoft.AspNetCore.Builder;
using Spotify.Rx.Client.Tests.Integration.Hosting;
using Spotify.Rx.Playback.Library;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Client.Tests.Cli;

/// <summary>
/// The real main server and tracker, in-process on free 127.0.0.1 ports, for the client executable's
/// tests: a library of two 50-60 s tracks of their own (long enough to pause, seek and skip in).
/// </summary>
public sealed class CliNodes : IAsyncLifetime
{
    private readonly string _root = TestLibrary.TempFolder("client-cli");
    private WebApplication? _server, _tracker;

    public Uri ServerUrl { get; private set; } = null!;
    public Uri TrackerUrl { get; private set; } = null!;
    public TrackLibrary Library { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Library = await SampleLibrary.EnsureAsync(Path.Combine(_root, "library"), new SampleLibraryOptions
        {
            Count = 2,
            Seed = 12,
            MinLength = TimeSpan.FromSeconds(50),
            MaxLength = TimeSpan.FromSeconds(60),
            Complexity = 0,
        });
        ServerUrl = new Uri($"http://127.0.0.1:{FreePort.Get()}");
        _server = await MainNodes.StartServerAsync(ServerUrl, FreePort.Get(), _root);
        TrackerUrl = new Uri($"http://127.0.0.1:{FreePort.Get()}");
        _tracker = await MainNodes.StartTrackerAsync(TrackerUrl, ServerUrl);
    }

    /// <summary>The node options every client of the test takes.</summary>
    public IEnumerable<string> NodeArgs => ["--server", ServerUrl.ToString(), "--tracker", TrackerUrl.ToString()];

    public async Task DisposeAsync()
    {
        if (_tracker is not null) await _tracker.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}
