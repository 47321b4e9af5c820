using System.Diagnostics;
using Xunit.Abstractions;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>
/// The catalogue at a size where holding tracks in memory or a file per track would show: 10,000 tracks.
/// The bounds are loose on purpose (the 100,000-track figures are measured by tools/bench/catalogue.sh);
/// what is asserted is that memory and open files do not grow with the catalogue or with the tracks served.
/// </summary>
public sealed class CatalogueScaleTests(ITestOutputHelper output)
{
    private const int Tracks = 10_000;
    private const int OpenFiles = 16;

    [Fact]
    public async Task Ten_thousand_tracks_start_with_bounded_memory_and_open_files_and_any_track_is_served_byte_exact()
    {
        var clock = Stopwatch.StartNew();
        await CatalogueLibrary.SeedFolderAsync();
        output.WriteLine($"seed tracks in {clock.ElapsedMilliseconds} ms");
        GC.Collect();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        clock.Restart();
        await using var server = await LibraryServer.StartAsync(folder => CatalogueLibrary.FanOutAsync(folder, Tracks),
            new() { ["Server:OpenFiles"] = OpenFiles.ToString(), ["Server:LibraryRescanInterval"] = "01:00:00" });
        output.WriteLine($"made and started in {clock.ElapsedMilliseconds} ms");

        Assert.Equal(Tracks, (await server.PageAsync("pageSize=1")).Total);
        clock.Restart();
        var random = new Random(17);
        var ids = Enumerable.Range(0, 40).Select(_ => $"n-{random.Next(Tracks):D5}").ToArray();
        using var main = server.Client();
        using var sendfile = server.Client(audioPort: true);
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, _) =>
        {
            var http = id[^1] % 2 == 0 ? sendfile : main;
            Assert.Equal(server.AudioFile(id), await http.GetByteArrayAsync($"/tracks/{id}/audio"));
        });
        output.WriteLine($"{ids.Length} tracks fetched in {clock.ElapsedMilliseconds} ms");

        long heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        var (all, library) = OpenFileCount(server.Folder);
        output.WriteLine($"managed heap +{heapGrowth / 1e6:0.0} MB, {all} open files, {library} of them in the library, {server.Store.Files.Count} leased or idle");
        // A file per track would be 10,000; a copy of the audio per track 8 GB.
        Assert.InRange(server.Store.Files.Count, 0, OpenFiles);
        Assert.InRange(library, 0, OpenFiles);
        Assert.InRange(all, 0, 1024);
        Assert.InRange(heapGrowth, long.MinValue, 150_000_000);
        var found = await server.PageAsync("q=player%2017");
        Assert.Equal(Tracks / 100, found.Total);
        Assert.All(found.Items, t => Assert.Equal("Player 17", t.Artist));
    }

    /// <summary>This process's open files (the server runs in it), and how many of them are in <paramref name="folder"/>.</summary>
    private static (int All, int InFolder) OpenFileCount(string folder)
    {
        int all = 0, inFolder = 0;
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            all++;
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith(folder, StringComparison.Ordinal)) inFolder++;
            }
            catch (IOException)
            {
                // Closed between the listing and the look.
            }
        }
        return (all, inFolder);
    }
}
