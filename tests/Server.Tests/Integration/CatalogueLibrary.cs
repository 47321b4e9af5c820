using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Server.Tracks;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>
/// Libraries of many tracks made in moments from three real ones, as tools/bench/catalogue-library.py makes the
/// large one: each track's audio is a hard link to a seed track's file, beside a manifest of its own (its id,
/// title, artist; the seed's chunk hashes and seek index, which describe the linked bytes exactly).
/// </summary>
public static class CatalogueLibrary
{
    public static readonly string[] SeedIds = ["seed-a", "seed-b", "seed-c"];
    private static readonly Lazy<Task<string>> Seeds = new(async () =>
    {
        var folder = Path.Combine(Path.GetTempPath(), "spotify-rx-catalogue-seeds-" + Environment.ProcessId);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        };
        await TestTracks.WriteAsync(folder, SeedIds);
        return folder;
    });

    public static Task<string> SeedFolderAsync() => Seeds.Value;

    /// <summary>Adds track <paramref name="id"/> to <paramref name="folder"/>: audio first, the manifest last (renamed into place).</summary>
    public static async Task AddAsync(string folder, string id, string title, string artist, int seed = 0)
    {
        var seeds = await SeedFolderAsync();
        var seedId = SeedIds[seed % SeedIds.Length];
        Directory.CreateDirectory(folder);
        var audio = LibraryFolder.AudioFile(folder, id);
        if (link(LibraryFolder.AudioFile(seeds, seedId), audio) != 0)
            File.Copy(LibraryFolder.AudioFile(seeds, seedId), audio);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(LibraryFolder.ManifestFile(seeds, seedId)))!.AsObject();
        manifest["id"] = id;
        manifest["title"] = title;
        manifest["artist"] = artist;
        var path = LibraryFolder.ManifestFile(folder, id);
        await File.WriteAllTextAsync(path + ".partial", manifest.ToJsonString());
        File.Move(path + ".partial", path, overwrite: true);
    }

    /// <summary>Tracks <c>t-000</c>.. with titles "Song N" and artists "Band N%5" (N = the index).</summary>
    public static async Task<string[]> MakeAsync(string folder, int count)
    {
        var ids = new string[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = $"t-{i:D3}";
            await AddAsync(folder, ids[i], $"Song {i}", $"Band {i % 5}", i);
        }
        return ids;
    }

    /// <summary>
    /// <paramref name="count"/> tracks <c>n-00000</c>.. ("Tune N" by "Player N%100") the fast way: each seed's manifest
    /// is parsed once and only its head is written anew per track.
    /// </summary>
    public static async Task FanOutAsync(string folder, int count)
    {
        var seeds = await SeedFolderAsync();
        Directory.CreateDirectory(folder);
        var tails = new List<string>();
        foreach (var seedId in SeedIds)
        {
            var manifest = JsonNode.Parse(await File.ReadAllTextAsync(LibraryFolder.ManifestFile(seeds, seedId)))!.AsObject();
            manifest.Remove("id");
            manifest.Remove("title");
            manifest.Remove("artist");
            tails.Add(manifest.ToJsonString()[1..]);
        }
        await Parallel.ForAsync(0, count, async (i, ct) =>
        {
            string id = $"n-{i:D5}";
            int seed = i % SeedIds.Length;
            if (link(LibraryFolder.AudioFile(seeds, SeedIds[seed]), LibraryFolder.AudioFile(folder, id)) != 0)
                throw new IOException($"cannot hard-link {id}: errno {Marshal.GetLastPInvokeError()}");
            var head = JsonSerializer.Serialize(new { id, title = $"Tune {i}", artist = $"Player {i % 100}" });
            await File.WriteAllTextAsync(LibraryFolder.ManifestFile(folder, id), head[..^1] + "," + tails[seed], ct);
        });
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string existing, string created);
}

/// <summary>A real server of its own over a library folder the test may change while it runs.</summary>
public sealed class LibraryServer : IAsyncDisposable
{
    private readonly string _root;
    private WebApplication _app = null!;

    private LibraryServer(string root) => _root = root;

    public string Folder => Path.Combine(_root, "library");
    public Uri BaseAddress { get; private set; } = null!;
    public Uri AudioAddress { get; private set; } = null!;
    public string Token { get; private set; } = "";
    public TrackStore Store => _app.Services.GetRequiredService<TrackStore>();

    /// <summary>Starts the server once <paramref name="fill"/> has made the library; <paramref name="settings"/> override the defaults.</summary>
    public static async Task<LibraryServer> StartAsync(Func<string, Task> fill, Dictionary<string, string?>? settings = null)
    {
        var server = new LibraryServer(Path.Combine(Path.GetTempPath(), "spotify-rx-catalogue-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(server.Folder);
        await fill(server.Folder);
        var all = ServerFixture.Settings(server.Folder, Path.Combine(server._root, "key.pem"));
        server.AudioAddress = new Uri($"http://127.0.0.1:{FreePort.Get()}");
        all["Server:AudioUrl"] = server.AudioAddress.ToString();
        foreach (var (key, value) in settings ?? []) all[key] = value;
        (server._app, server.BaseAddress) = await ServerFixture.StartAsync(all);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var response = await http.PostAsJsonAsync("/auth/token", new TokenRequest(ServerFixture.User, ServerFixture.Password, "peer-catalogue"));
        response.EnsureSuccessStatusCode();
        server.Token = (await response.Content.ReadFromJsonAsync<TokenResponse>())!.Token;
        return server;
    }

    /// <summary>A client of the main port (<paramref name="audioPort"/> false) or of the sendfile endpoint, token set.</summary>
    public HttpClient Client(bool audioPort = false)
    {
        var http = new HttpClient { BaseAddress = audioPort ? AudioAddress : BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    public async Task<TrackPage> PageAsync(string query)
    {
        using var http = Client();
        return (await http.GetFromJsonAsync<TrackPage>("/tracks?" + query))!;
    }

    public byte[] AudioFile(string id) => File.ReadAllBytes(LibraryFolder.AudioFile(Folder, id));

    /// <summary>
    /// Runs <paramref name="change"/> and waits (bounded, no sleeping) for the rescan after which
    /// <paramref name="done"/> holds of the catalogue.
    /// </summary>
    public async Task ChangeAndAwaitRescanAsync(Func<Task> change, Func<TrackStore, bool> done)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRescan(RescanResult _) { if (done(Store)) seen.TrySetResult(); }
        Store.Rescanned += OnRescan;
        try
        {
            await change();
            await seen.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            Store.Rescanned -= OnRescan;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
