using System.Net;
using System.Text.Json.Nodes;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>
/// A library with broken tracks in it: the server starts, serves the whole tracks, leaves the broken ones out
/// (410 with the reason when the folder still names them) and never sends bytes that disagree with a manifest.
/// </summary>
public sealed class BrokenLibraryTests
{
    // No rescan during a test: what is found, is found by the request.
    private static readonly Dictionary<string, string?> NoRescan = new()
    {
        ["Server:LibraryWatch"] = "false",
        ["Server:LibraryRescanInterval"] = "01:00:00",
    };

    [Fact]
    public async Task Broken_tracks_found_at_start_are_left_out_with_a_reason_and_the_rest_is_served()
    {
        await using var server = await LibraryServer.StartAsync(async folder =>
        {
            await CatalogueLibrary.MakeAsync(folder, 4);
            await CatalogueLibrary.AddAsync(folder, "not-json", "x", "y");
            await File.WriteAllTextAsync(LibraryFolder.ManifestFile(folder, "not-json"), "{ this is not json");
            await CatalogueLibrary.AddAsync(folder, "no-fields", "x", "y");
            await File.WriteAllTextAsync(LibraryFolder.ManifestFile(folder, "no-fields"), """{"id":"no-fields","title":"x"}""");
            await CatalogueLibrary.AddAsync(folder, "other-id", "x", "y");
            await EditManifestAsync(folder, "other-id", m => m["id"] = "t-000");
            await CatalogueLibrary.AddAsync(folder, "short-audio", "x", "y");
            CutAudio(folder, "short-audio", 1000);
            await CatalogueLibrary.AddAsync(folder, "no-audio", "x", "y");
            File.Delete(LibraryFolder.AudioFile(folder, "no-audio"));
            // Audio without a manifest is no track at all (an import in progress).
            await CatalogueLibrary.AddAsync(folder, "audio-only", "x", "y");
            File.Delete(LibraryFolder.ManifestFile(folder, "audio-only"));
        }, NoRescan);

        var page = await server.PageAsync("pageSize=50");
        Assert.Equal(["t-000", "t-001", "t-002", "t-003"], page.Items.Select(t => t.Id));
        using var http = server.Client();
        Assert.Equal(server.AudioFile("t-001"), await http.GetByteArrayAsync("/tracks/t-001/audio"));

        foreach (var (id, reason) in new[]
                 {
                     ("not-json", "its manifest cannot be read"), ("no-fields", "its manifest cannot be read"),
                     ("other-id", "its manifest is for track 't-000'"), ("short-audio", "its manifest says"),
                     ("no-audio", "its audio file is missing"),
                 })
            await AssertGoneAsync(server, id, reason);
        foreach (bool audioPort in new[] { false, true })
        {
            using var client = server.Client(audioPort);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/tracks/audio-only/audio")).StatusCode);
        }
    }

    [Fact]
    public async Task Audio_whose_first_chunk_disagrees_with_the_manifest_is_never_sent_and_the_track_is_left_out()
    {
        await using var server = await LibraryServer.StartAsync(async folder =>
        {
            await CatalogueLibrary.MakeAsync(folder, 3);
            // Same length, other bytes: only the hash tells.
            ReplaceAudio(folder, "t-001", bytes => bytes[100] ^= 0xFF);
            ReplaceAudio(folder, "t-002", bytes => bytes[200] ^= 0xFF);
        }, NoRescan);
        Assert.Equal(3, (await server.PageAsync("")).Total);

        // t-001 first asked on the main port, t-002 on the sendfile endpoint: neither sends a byte of audio.
        foreach (var (id, audioPort) in new[] { ("t-001", false), ("t-002", true) })
        {
            using var http = server.Client(audioPort);
            var response = await http.GetAsync($"/tracks/{id}/audio");
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            Assert.Contains("first chunk does not have the hash its manifest gives", await Http.ProblemDetailAsync(response));
            await AssertGoneAsync(server, id, "first chunk");
        }
        Assert.Equal(["t-000"], (await server.PageAsync("")).Items.Select(t => t.Id));
    }

    [Fact]
    public async Task A_vanished_audio_file_gets_410_on_both_front_ends_and_leaves_the_listing()
    {
        await using var server = await LibraryServer.StartAsync(folder => CatalogueLibrary.MakeAsync(folder, 3), NoRescan);
        File.Delete(LibraryFolder.AudioFile(server.Folder, "t-001"));

        using var http = server.Client();
        var response = await http.GetAsync("/tracks/t-001/audio?from=0&seconds=15");
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("its audio file is gone", await Http.ProblemDetailAsync(response));
        await AssertGoneAsync(server, "t-001", "its audio file is gone");
        Assert.DoesNotContain((await server.PageAsync("")).Items, t => t.Id == "t-001");
    }

    [Fact]
    public async Task An_audio_file_cut_short_while_open_is_not_served_as_the_track()
    {
        await using var server = await LibraryServer.StartAsync(async folder =>
        {
            await CatalogueLibrary.MakeAsync(folder, 3);
            ReplaceAudio(folder, "t-000", _ => { });  // its own inode: the seed stays whole
        }, NoRescan);
        using var http = server.Client(audioPort: true);
        Assert.Equal(server.AudioFile("t-000"), await http.GetByteArrayAsync("/tracks/t-000/audio"));

        // In place, on the very inode the server holds open.
        using (var file = new FileStream(LibraryFolder.AudioFile(server.Folder, "t-000"), FileMode.Open, FileAccess.Write))
            file.SetLength(file.Length / 2);

        foreach (bool audioPort in new[] { true, false })
        {
            using var client = server.Client(audioPort);
            var response = await client.GetAsync("/tracks/t-000/audio");
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            Assert.Contains("changed length", await Http.ProblemDetailAsync(response));
        }
    }

    [Fact]
    public async Task A_manifest_whose_seek_index_is_broken_gets_410_instead_of_being_served()
    {
        await using var server = await LibraryServer.StartAsync(async folder =>
        {
            await CatalogueLibrary.MakeAsync(folder, 2);
            // The head (what the catalogue reads) is fine; the seek index points past the end of the file.
            await EditManifestAsync(folder, "t-001", m => m["pages"]!.AsArray()[1]!["offset"] = 999_999_999);
        }, NoRescan);
        Assert.Equal(2, (await server.PageAsync("")).Total);

        using var http = server.Client();
        var response = await http.GetAsync("/tracks/t-001");
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("out of order or beyond the file", await Http.ProblemDetailAsync(response));
        await AssertGoneAsync(server, "t-001", "out of order or beyond the file");
    }

    [Fact]
    public async Task A_track_left_out_comes_back_when_a_rescan_finds_its_files_whole_again()
    {
        await using var server = await LibraryServer.StartAsync(async folder =>
        {
            await CatalogueLibrary.MakeAsync(folder, 2);
            CutAudio(folder, "t-001", 500);
        }, new() { ["Server:LibraryRescanInterval"] = "01:00:00" });
        await AssertGoneAsync(server, "t-001", "its manifest says");

        await server.ChangeAndAwaitRescanAsync(async () =>
        {
            File.Delete(LibraryFolder.AudioFile(server.Folder, "t-001"));
            await CatalogueLibrary.AddAsync(server.Folder, "t-001", "Song 1", "Band 1", seed: 1);
        }, store => store.Find("t-001") is not null);

        using var http = server.Client(audioPort: true);
        Assert.Equal(server.AudioFile("t-001"), await http.GetByteArrayAsync("/tracks/t-001/audio"));
    }

    private static async Task AssertGoneAsync(LibraryServer server, string id, string reason)
    {
        foreach (var path in new[] { $"/tracks/{id}", $"/tracks/{id}/audio" })
        foreach (bool audioPort in new[] { false, true })
        {
            if (audioPort && !path.EndsWith("/audio")) continue;
            using var http = server.Client(audioPort);
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            var detail = await Http.ProblemDetailAsync(response);
            Assert.Contains($"track '{id}' is left out of the library", detail);
            Assert.Contains(reason, detail);
        }
    }

    private static async Task EditManifestAsync(string folder, string id, Action<JsonObject> edit)
    {
        var path = LibraryFolder.ManifestFile(folder, id);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        edit(manifest);
        await File.WriteAllTextAsync(path, manifest.ToJsonString());
    }

    /// <summary>A new file in place of the hard link, so the seed and the other tracks keep their bytes.</summary>
    private static void ReplaceAudio(string folder, string id, Action<byte[]> edit)
    {
        var path = LibraryFolder.AudioFile(folder, id);
        var bytes = File.ReadAllBytes(path);
        edit(bytes);
        File.Delete(path);
        File.WriteAllBytes(path, bytes);
    }

    private static void CutAudio(string folder, string id, int bytes)
    {
        var path = LibraryFolder.AudioFile(folder, id);
        var content = File.ReadAllBytes(path);
        File.Delete(path);
        File.WriteAllBytes(path, content[..^bytes]);
    }
}
