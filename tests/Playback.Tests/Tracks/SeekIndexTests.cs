using Spotify.Rx.Playback.Opus;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Playback.Tests.Tracks;

public class SeekIndexTests
{
    [Fact]
    public async Task Every_page_offset_maps_to_a_position_and_back_to_the_same_offset()
    {
        var library = await TestLibrary.GetAsync();
        foreach (var track in library.Tracks)
            for (int page = 0; page < track.Pages.Count; page++)
            {
                long offset = track.Pages[page].Offset;
                var position = track.PositionOf(offset);
                Assert.Equal(TrackManifest.SamplesToTime(track.PageStartSample(page)), position);
                Assert.Equal(offset, track.OffsetOf(position));
                Assert.Equal(page, track.PageIndexAt(position));
            }
    }

    [Fact]
    public async Task A_position_inside_a_page_maps_to_that_page_and_the_last_sample_before_it_to_the_previous_page()
    {
        var track = (await TestLibrary.GetAsync()).Tracks[0];
        for (int page = 1; page < track.Pages.Count; page++)
        {
            var start = TrackManifest.SamplesToTime(track.PageStartSample(page));
            var lastOfPrevious = TrackManifest.SamplesToTime(track.PageStartSample(page) - 1);
            Assert.Equal(track.Pages[page].Offset, track.OffsetOf(start + TimeSpan.FromMilliseconds(500)));
            Assert.Equal(track.Pages[page - 1].Offset, track.OffsetOf(lastOfPrevious));
        }
    }

    [Fact]
    public async Task The_next_chunk_position_is_the_start_of_the_first_page_read_from_a_later_chunk()
    {
        var track = (await TestLibrary.GetAsync()).Tracks[0];
        for (int page = 0; page < track.Pages.Count; page++)
        {
            var inside = TrackManifest.SamplesToTime(track.PageStartSample(page)) + TimeSpan.FromMilliseconds(300);
            var chunk = track.ChunkIndexOf(track.OffsetOf(inside));
            var next = track.NextChunkPosition(inside);
            Assert.True(next > inside);
            if (next == track.Duration) continue;
            Assert.True(track.ChunkIndexOf(track.OffsetOf(next)) > chunk);
            var sampleBefore = TrackManifest.SamplesToTime(track.PageStartSample(track.PageIndexAt(next)) - 1);
            Assert.Equal(chunk, track.ChunkIndexOf(track.OffsetOf(sampleBefore)));
        }
        Assert.Equal(track.Duration, track.NextChunkPosition(track.Duration));
    }

    [Fact]
    public async Task Pages_are_one_second_of_400_byte_packets_except_the_last()
    {
        var track = (await TestLibrary.GetAsync()).Tracks[0];
        for (int page = 0; page < track.Pages.Count - 1; page++)
        {
            Assert.Equal(OpusFormat.FullPageBytes, track.PageEnd(page) - track.Pages[page].Offset);
            Assert.Equal((page + 1L) * OpusFormat.PageSamples, track.Pages[page].Granule);
        }
        Assert.Equal(track.ByteLength, track.PageEnd(track.Pages.Count - 1));
        Assert.Equal(TrackManifest.SamplesToTime(track.Pages[^1].Granule - track.PreSkip), track.Duration);
    }

    [Fact]
    public async Task Decoding_from_any_page_gives_the_same_samples_as_decoding_from_the_start()
    {
        var library = await TestLibrary.GetAsync();
        foreach (var track in library.Tracks)
        {
            var file = await File.ReadAllBytesAsync(library.AudioPath(track.Id));
            var whole = TrackPcm.Decode(track, file);
            Assert.Equal(track.Duration, TrackManifest.SamplesToTime(whole.Length / 2));
            for (int page = 1; page < track.Pages.Count; page++)
            {
                var fromPage = TrackPcm.Decode(track, file, firstPage: page);
                long start = track.PageStartSample(page) * 2;
                Assert.True(whole.AsSpan((int)start).SequenceEqual(fromPage), $"{track.Id}: decoding from page {page} differs");
            }
        }
    }

    [Fact]
    public async Task Without_pre_roll_a_page_decodes_only_approximately()
    {
        // The reason for pre-roll: a fresh decoder lacks the state of the packets before the page.
        var library = await TestLibrary.GetAsync();
        var track = library.Tracks[0];
        var file = await File.ReadAllBytesAsync(library.AudioPath(track.Id));
        var whole = TrackPcm.Decode(track, file);
        var cold = TrackPcm.Decode(track, file, firstPage: 5, preRoll: false);
        Assert.False(whole.AsSpan((int)track.PageStartSample(5) * 2).SequenceEqual(cold));
    }

    [Fact]
    public async Task The_bytes_for_a_time_window_are_whole_pages_covering_it()
    {
        var track = (await TestLibrary.GetAsync()).Tracks[0];
        var (start, end) = track.ByteRangeFor(TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(15));
        int first = track.PageIndexOfOffset(start);
        Assert.True(first >= 0);
        Assert.True(track.PositionOf(start) <= TimeSpan.FromSeconds(3.5));
        Assert.True(track.PlayableUntil(end) >= TimeSpan.FromSeconds(18.5) || end == track.ByteLength);
        Assert.Contains(end, track.Pages.Select(p => p.Offset).Append(track.ByteLength));
    }
}
