using System.Reactive.Concurrency;
using Flurl.Http;
using Spotify.Rx.Client.Http;

namespace Spotify.Rx.Client.Tests.Integration;

/// <summary>A range from the real main server, read as it arrives: what the engine's server requests get.</summary>
public sealed class ServerRangeTests(AudioNodes nodes) : IClassFixture<AudioNodes>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_chunk_aligned_range_comes_as_one_part_per_chunk_in_order_and_the_parts_are_the_files_bytes()
    {
        var track = nodes.Track(0);
        using var server = new ServerClient(nodes.ServerUrl, "demo", "demo", "range-reader", Scheduler.Default);
        var (start, _) = track.ChunkRange(2);
        var (_, end) = track.ChunkRange(track.ChunkCount - 1);
        var parts = new List<(long Offset, byte[] Bytes)>();

        await server.RangeAsync(track.Id, start, end, track.ChunkSize, (offset, bytes) => parts.Add((offset, bytes.ToArray()))).WaitAsync(Bound);

        Assert.NotNull(server.AudioUrl); // from the sendfile endpoint, as the engine's requests are
        Assert.Equal(Enumerable.Range(2, track.ChunkCount - 2).Select(c => track.ChunkRange(c).Start), parts.Select(p => p.Offset));
        Assert.All(parts.SkipLast(1), p => Assert.Equal(track.ChunkSize, p.Bytes.Length));
        Assert.Equal(nodes.File(track)[(int)start..(int)end], parts.SelectMany(p => p.Bytes).ToArray());
    }

    [Fact]
    public async Task A_range_beyond_the_track_is_refused_with_the_servers_reason_and_hands_over_no_part()
    {
        var track = nodes.Track(0);
        using var server = new ServerClient(nodes.ServerUrl, "demo", "demo", "range-beyond", Scheduler.Default);
        var parts = 0;

        var refused = await Assert.ThrowsAsync<FlurlHttpException>(() =>
            server.RangeAsync(track.Id, track.ByteLength + 10, track.ByteLength + 20, track.ChunkSize, (_, _) => parts++).WaitAsync(Bound));

        Assert.Equal(416, refused.StatusCode);
        Assert.Equal(0, parts);
    }
}
