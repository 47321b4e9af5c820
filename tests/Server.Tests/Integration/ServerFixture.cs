using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Server.Accounts;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>
/// The real server on a free 127.0.0.1 port, over a small generated library of three tracks,
/// with one account (alice) and a token for her. Shared by every integration test class.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string User = "alice", Password = "wonderland", PeerId = "peer-alice";
    /// <summary>A second account, for the tests of who owns which peer id.</summary>
    public const string OtherUser = "bob", OtherPassword = "builder";
    public static readonly string[] TrackIds = ["aurora-1", "borealis-2", "cirrus-3"];

    // Few iterations: the tests check the scheme, not its cost.
    private static readonly string AliceHash = PasswordHash.Create(Password, iterations: 10_000);
    private static readonly string BobHash = PasswordHash.Create(OtherPassword, iterations: 10_000);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "spotify-rx-server-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public string LibraryFolder => Path.Combine(_root, "library");
    public string KeyFile => Path.Combine(_root, "keys", "server-signing.pem");
    public Uri BaseAddress { get; private set; } = null!;
    /// <summary>The sendfile audio endpoint (<c>Server:AudioUrl</c>) of the same server.</summary>
    public Uri AudioAddress { get; private set; } = null!;
    public string Token { get; private set; } = "";
    /// <summary>Every <c>fail:</c>/<c>crit:</c> line the server logged; none may appear in the whole run.</summary>
    public ErrorLog Errors { get; } = new();

    public async Task InitializeAsync()
    {
        await TestTracks.WriteAsync(LibraryFolder, TrackIds);
        var settings = Settings(LibraryFolder, KeyFile);
        AudioAddress = new Uri($"http://127.0.0.1:{FreePort.Get()}");
        settings["Server:AudioUrl"] = AudioAddress.ToString();
        (_app, BaseAddress) = await StartAsync(settings, Errors);
        using var http = Client();
        var response = await http.PostAsJsonAsync("/auth/token", new TokenRequest(User, Password, PeerId));
        response.EnsureSuccessStatusCode();
        Token = (await response.Content.ReadFromJsonAsync<TokenResponse>())!.Token;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        Errors.AssertEmpty("the shared test server");
    }

    public HttpClient Client(string? token = null, HttpMessageHandler? handler = null)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler);
        http.BaseAddress = BaseAddress;
        http.Timeout = TimeSpan.FromSeconds(30);
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public HttpClient Authorized(HttpMessageHandler? handler = null) => Client(Token, handler);

    /// <summary>A client of the sendfile endpoint with the token set.</summary>
    public HttpClient AudioClient(string? token = null, HttpMessageHandler? handler = null)
    {
        var http = Client(token ?? Token, handler);
        http.BaseAddress = AudioAddress;
        return http;
    }

    public byte[] AudioFile(string id) => File.ReadAllBytes(Path.Combine(LibraryFolder, id + ".opus"));

    public TrackManifest ManifestFile(string id) => ManifestJson.Deserialize(File.ReadAllText(Path.Combine(LibraryFolder, id + ".manifest.json")));

    public static Dictionary<string, string?> Settings(string library, string keyFile) => new()
    {
        ["Server:LibraryFolder"] = library,
        ["Server:SigningKeyFile"] = keyFile,
        ["Server:DemoAccount"] = "false",
        ["Server:Users:" + User] = AliceHash,
        ["Server:Users:" + OtherUser] = BobHash,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Builds and starts the real server, exactly as Program does, on a free port.</summary>
    public static async Task<(WebApplication App, Uri BaseAddress)> StartAsync(Dictionary<string, string?> settings, ErrorLog? errors = null)
    {
        var url = $"http://127.0.0.1:{FreePort.Get()}";
        var app = ServerApp.Build(["--urls", url], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            if (errors is not null) builder.Logging.AddProvider(errors);
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(timeout.Token);
        return (app, new Uri(url));
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "real server";
}
