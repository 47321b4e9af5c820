using System.Net;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>Tracks added to and removed from the library folder of a running server, found by the folder watch or by the periodic rescan.</summary>
public sealed class LibraryChangeTests
{
    /// <summary>The watch on; the periodic rescan far away, so only the watch can find the change in time.</summary>
    private static readonly Dictionary<string, string?> WatchOnly = new() { ["Server:LibraryRescanInterval"] = "01:00:00" };

    /// <summary>No watch (as on shared storage that reports no changes); a rescan every 100 ms.</summary>
    private static readonly Dictionary<string, string?> RescanOnly = new()
    {
        ["Server:LibraryWatch"] = "false",
        ["Server:LibraryRescanInterval"] = "00:00:00.100",
    };

    public static TheoryData<string> Modes => new() { "watch", "rescan" };

    private static Dictionary<string, string?> Settings(string mode) => mode == "watch" ? WatchOnly : RescanOnly;

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_freshly_imported_track_is_listed_found_and_served_without_a_restart(string mode)
    {
        await using var server = await LibraryServer.StartAsync(folder => CatalogueLibrary.MakeAsync(folder, 5), Settings(mode));
        Assert.Equal(5, (await server.PageAsync("")).Total);

        await server.ChangeAndAwaitRescanAsync(
            () => CatalogueLibrary.AddAsync(server.Folder, "fresh-import", "Brand New Day", "The Importers", seed: 1),
            store => store.Find("fresh-import") is not null);

        var page = await server.PageAsync("");
        Assert.Equal(6, page.Total);
        Assert.Contains(page.Items, t => t is { Id: "fresh-import", Title: "Brand New Day", Artist: "The Importers" });
        Assert.Equal("fresh-import", Assert.Single((await server.PageAsync("q=importers")).Items).Id);
        foreach (bool audioPort in new[] { false, true })
        {
            using var http = server.Client(audioPort);
            Assert.Equal(server.AudioFile("fresh-import"), await http.GetByteArrayAsync("/tracks/fresh-import/audio"));
        }
        using var main = server.Client();
        Assert.Equal("fresh-import", ManifestJson.Deserialize(await main.GetStringAsync("/tracks/fresh-import")).Id);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_removed_track_leaves_the_listing_and_gets_404_on_both_front_ends(string mode)
    {
        await using var server = await LibraryServer.StartAsync(folder => CatalogueLibrary.MakeAsync(folder, 5), Settings(mode));
        // Served once before, so its file is open in the server when it is removed.
        using (var http = server.Client(audioPort: true))
            Assert.Equal(server.AudioFile("t-002"), await http.GetByteArrayAsync("/tracks/t-002/audio"));

        await server.ChangeAndAwaitRescanAsync(() =>
        {
            File.Delete(LibraryFolder.ManifestFile(server.Folder, "t-002"));
            File.Delete(LibraryFolder.AudioFile(server.Folder, "t-002"));
            return Task.CompletedTask;
        }, store => store.Find("t-002") is null);

        var page = await server.PageAsync("");
        Assert.Equal(4, page.Total);
        Assert.DoesNotContain(page.Items, t => t.Id == "t-002");
        Assert.Equal(0, server.Store.Files.Count);
        foreach (bool audioPort in new[] { false, true })
        {
            using var http = server.Client(audioPort);
            var response = await http.GetAsync("/tracks/t-002/audio");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("no track 't-002'", await Http.ProblemDetailAsync(response));
        }
    }

    [Fact]
    public async Task A_track_replaced_with_other_audio_and_manifest_is_served_as_the_new_one()
    {
        await using var server = await LibraryServer.StartAsync(folder => CatalogueLibrary.MakeAsync(folder, 3), WatchOnly);
        using var http = server.Client(audioPort: true);
        var before = await http.GetByteArrayAsync("/tracks/t-000/audio");

        await server.ChangeAndAwaitRescanAsync(async () =>
        {
            // As an import does: new audio under a new inode, then the manifest renamed into place.
            File.Delete(LibraryFolder.AudioFile(server.Folder, "t-000"));
            await CatalogueLibrary.AddAsync(server.Folder, "t-000", "Song 0, remastered", "Band 0", seed: 2);
        }, store => store.Find("t-000")?.Summary.Title == "Song 0, remastered");

        var after = await http.GetByteArrayAsync("/tracks/t-000/audio");
        Assert.NotEqual(before, after);
        Assert.Equal(server.AudioFile("t-000"), after);
    }
}
