using Spotify.Rx.Playback.Buffering;
using Spotify.Rx.Streams;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Playback.Tests.Player;

public class PlayoutBufferTests
{
    [Fact]
    public void Ranges_merge_whatever_order_they_arrive_in()
    {
        var ranges = new ByteRanges();
        Assert.Equal(10, ranges.Add(20, 30));
        Assert.Equal(10, ranges.Add(0, 10));
        Assert.Equal(10, ranges.ContiguousEnd(0));
        Assert.Equal(10, ranges.Add(5, 25));      // fills the gap [10, 20), the rest was held
        Assert.Equal([(0L, 30L)], ranges.Ranges);
        Assert.Equal(30, ranges.ContiguousEnd(7));
        Assert.Equal(30, ranges.ContiguousEnd(30));
        Assert.Equal(0, ranges.Add(3, 8));
        Assert.Equal(30, ranges.Total);
    }

    [Fact]
    public async Task The_level_counts_only_audio_contiguous_from_the_playhead_and_each_source_its_new_bytes()
    {
        var library = await TestLibrary.GetAsync();
        var track = library.Tracks[0];
        var file = await File.ReadAllBytesAsync(library.AudioPath(track.Id));
        using var buffer = new PlayoutBuffer(track);
        var levels = new List<BufferLevel>();
        using var _ = buffer.Levels.Subscribe(levels.Add);

        // Pages 3-5 from a peer first: not contiguous from the playhead at 0, so no level yet.
        long p3 = track.Pages[3].Offset, p6 = track.Pages[6].Offset;
        buffer.Add(p3, file.AsSpan((int)p3, (int)(p6 - p3)), DataSource.Peers);
        Assert.Equal(TimeSpan.Zero, buffer.Level.Ahead);

        // Then the server sends from the file start to the middle of page 4: pages 0-5 are now contiguous.
        long upTo = track.Pages[4].Offset + 100;
        buffer.Add(0, file.AsSpan(0, (int)upTo), DataSource.Server);
        Assert.Equal(track.PlayableUntil(p6), buffer.Level.Ahead);
        Assert.Equal(p6, buffer.ContiguousEnd);

        Assert.Equal(p6 - p3, buffer.BytesBySource[DataSource.Peers]);
        Assert.Equal(p3, buffer.BytesBySource[DataSource.Server]);
        Assert.Equal(upTo - p3, buffer.DuplicateBytes);
        Assert.Equal([TimeSpan.Zero, track.PlayableUntil(p6)], levels.Select(l => l.Ahead));

        // The playhead moving on lowers the level by as much.
        buffer.Playhead = TimeSpan.FromSeconds(2);
        Assert.Equal(track.PlayableUntil(p6) - TimeSpan.FromSeconds(2), buffer.Level.Ahead);
        Assert.False(buffer.Level.TrackComplete);

        buffer.Add(p6, file.AsSpan((int)p6), DataSource.Cache);
        Assert.True(buffer.IsComplete);
        Assert.True(buffer.Level.TrackComplete);
        Assert.Equal(track.Duration - TimeSpan.FromSeconds(2), buffer.Level.Ahead);
    }

    [Fact]
    public async Task A_page_is_readable_only_when_all_its_bytes_are_held()
    {
        var library = await TestLibrary.GetAsync();
        var track = library.Tracks[0];
        var file = await File.ReadAllBytesAsync(library.AudioPath(track.Id));
        using var buffer = new PlayoutBuffer(track);
        long start = track.Pages[2].Offset, end = track.PageEnd(2);
        buffer.Add(start, file.AsSpan((int)start, (int)(end - start - 1)), DataSource.Server);
        Assert.Null(buffer.TryGetPage(2));
        buffer.Add(end - 1, file.AsSpan((int)end - 1, 1), DataSource.Peers);
        Assert.Equal(track.Pages[2].Granule, buffer.TryGetPage(2)!.Granule);
    }

    [Fact]
    public async Task Bytes_outside_the_track_are_refused()
    {
        var track = (await TestLibrary.GetAsync()).Tracks[0];
        using var buffer = new PlayoutBuffer(track);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Add(track.ByteLength - 2, new byte[3], DataSource.Server));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Add(-1, new byte[3], DataSource.Server));
    }
}
