using System.Security.Cryptography;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Playback.Tests.Tracks;

public class ManifestTests
{
    [Fact]
    public async Task Each_chunk_hash_is_the_sha256_of_that_16_KiB_of_the_file()
    {
        var library = await TestLibrary.GetAsync();
        foreach (var track in library.Tracks)
        {
            var file = await File.ReadAllBytesAsync(library.AudioPath(track.Id));
            Assert.Equal(file.Length, track.ByteLength);
            Assert.Equal((file.Length + 16383) / 16384, track.ChunkCount);
            for (int i = 0; i < track.ChunkCount; i++)
            {
                var (start, end) = track.ChunkRange(i);
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file.AsSpan((int)start, (int)(end - start)))), track.ChunkHashes[i]);
            }
        }
    }

    [Fact]
    public async Task The_manifest_file_is_camel_case_json_that_reads_back_equal()
    {
        var library = await TestLibrary.GetAsync();
        var track = library.Tracks[0];
        string json = await File.ReadAllTextAsync(Path.Combine(library.Folder, track.Id + ".manifest.json"));
        Assert.Contains("\"chunkHashes\"", json);
        Assert.Contains("\"preSkip\"", json);
        var back = ManifestJson.Deserialize(json);
        Assert.Equal(track.Pages, back.Pages);
        Assert.Equal(track.ChunkHashes, back.ChunkHashes);
        Assert.Equal(track with { Pages = back.Pages, ChunkHashes = back.ChunkHashes }, back);
    }

    [Fact]
    public async Task The_library_knows_its_tracks_and_nothing_that_looks_like_a_path()
    {
        var library = await TestLibrary.GetAsync();
        Assert.Equal(TestLibrary.Options.Count, library.Tracks.Count);
        Assert.Equal(library.Tracks.Select(t => t.Id).Order(StringComparer.Ordinal), library.Tracks.Select(t => t.Id));
        var track = library.Tracks[1];
        Assert.Same(track, library.Find(track.Id));
        Assert.Equal(Path.Combine(library.Folder, track.Id + ".opus"), library.AudioPath(track.Id));
        foreach (string id in new[] { "../" + track.Id, track.Id + "\n", "/etc/passwd", "", "UPPER", track.Id + ".opus", "no-such-track" })
        {
            Assert.Null(library.Find(id));
            Assert.Throws<KeyNotFoundException>(() => library.AudioPath(id));
        }
    }

    [Fact]
    public async Task A_track_whose_audio_is_shorter_than_its_manifest_says_is_not_served()
    {
        var library = await TestLibrary.GetAsync();
        string folder = TestLibrary.TempFolder("partial");
        var track = library.Tracks[0];
        File.Copy(Path.Combine(library.Folder, track.Id + ".manifest.json"), Path.Combine(folder, track.Id + ".manifest.json"));
        var bytes = await File.ReadAllBytesAsync(library.AudioPath(track.Id));
        await File.WriteAllBytesAsync(Path.Combine(folder, track.Id + ".opus"), bytes[..^1000]);

        Assert.Empty(TrackLibrary.Open(folder).Tracks);
    }
}
