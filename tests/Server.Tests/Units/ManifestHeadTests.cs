using System.Text;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Server.Tests.Units;

/// <summary>The catalogue's view of a manifest: its head fields and first chunk hash, read from the start of the file.</summary>
public class ManifestHeadTests
{
    private const string Hash0 = "545c000e379e735cd73bb9298f624650a6106bfae66716752b39ce8fb0564175";
    private const string Hash1 = "1e098885baeb9f020442b9e3d396a151c3f5ec29ffcc0a989d81d94689fbd9ce";

    private static readonly string Whole = $$"""
        {
          "id": "tides-1",
          "title": "Wandering Tides",
          "artist": "Lacing Values",
          "duration": "00:03:36.1350000",
          "byteLength": 4350837,
          "chunkSize": 16384,
          "chunkHashes": ["{{Hash0}}", "{{Hash1}}"],
          "preSkip": 312,
          "channels": 2,
          "pages": [{"offset": 120, "granule": 960}]
        }
        """;

    [Fact]
    public void The_head_fields_and_the_first_chunk_hash_are_read()
    {
        Assert.True(ManifestHead.TryParse(Encoding.UTF8.GetBytes(Whole), isFinalBlock: true, out var head));
        Assert.Equal(("tides-1", "Wandering Tides", "Lacing Values", 4350837L, 16384), (head!.Id, head.Title, head.Artist, head.ByteLength, head.ChunkSize));
        Assert.Equal(new TimeSpan(0, 0, 3, 36, 135), head.Duration);
        Assert.Equal(Convert.FromHexString(Hash0), head.FirstChunkHash);
    }

    [Fact]
    public void A_prefix_that_ends_after_the_first_chunk_hash_is_enough()
    {
        var bytes = Encoding.UTF8.GetBytes(Whole);
        int cut = Whole.IndexOf(Hash1, StringComparison.Ordinal) + 10;
        Assert.True(ManifestHead.TryParse(bytes.AsSpan(0, cut), isFinalBlock: false, out var head));
        Assert.Equal("tides-1", head!.Id);
    }

    [Fact]
    public void A_prefix_that_ends_before_the_head_is_complete_asks_for_more()
    {
        var bytes = Encoding.UTF8.GetBytes(Whole);
        int cut = Whole.IndexOf("byteLength", StringComparison.Ordinal);
        Assert.False(ManifestHead.TryParse(bytes.AsSpan(0, cut), isFinalBlock: false, out var head));
        Assert.Null(head);
    }

    [Fact]
    public void Fields_in_another_order_are_found_in_the_whole_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            // The head comes after 8 KiB of seek index: more than the first read.
            var pages = string.Join(",", Enumerable.Range(0, 400).Select(i => $$"""{"offset":{{i * 100 + 50}},"granule":{{i * 960}}}"""));
            File.WriteAllText(path, $$"""{"pages":[{{pages}}],"chunkHashes":["{{Hash0}}"],"byteLength":10,"duration":"00:00:01","artist":"A","title":"T","id":"late-1"}""");
            Assert.True(new FileInfo(path).Length > ManifestHead.PrefixBytes);
            var head = ManifestHead.Read(path);
            Assert.Equal(("late-1", "T", "A", 10L), (head.Id, head.Title, head.Artist, head.ByteLength));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("{ not json", "not a manifest")]
    [InlineData("[1, 2]", "a JSON object")]
    [InlineData("""{"id":"x","title":"t"}""", "no artist")]
    [InlineData("""{"id":"x","title":"t","artist":"a","duration":"00:00:01","byteLength":"ten","chunkHashes":["00"]}""", "wrong type")]
    [InlineData("""{"id":"x","title":"t","artist":"a","duration":"soon","byteLength":10,"chunkHashes":["00"]}""", "duration")]
    [InlineData("""{"id":"x","title":"t","artist":"a","duration":"00:00:01","byteLength":10,"chunkHashes":["00"]}""", "SHA-256")]
    [InlineData("""{"id":"x","title":"t","artist":"a","duration":"00:00:01","byteLength":0,"chunkHashes":["545c000e379e735cd73bb9298f624650a6106bfae66716752b39ce8fb0564175"]}""", "not a length")]
    [InlineData("""{"id":"x","title":"t","artist":"a","duration":"00:00:01","byteLength":10,"chunkHashes":[]}""", "chunkHashes is empty")]
    public void A_broken_manifest_is_refused_with_what_is_wrong(string json, string reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => ManifestHead.TryParse(Encoding.UTF8.GetBytes(json), isFinalBlock: true, out _));
        Assert.Contains(reason, e.Message);
    }
}
