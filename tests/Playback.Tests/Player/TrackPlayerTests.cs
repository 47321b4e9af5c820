using Microsoft.Reactive.Testing;
using NAudio.Wave;
using Spotify.Rx.Playback.Buffering;
using Spotify.Rx.Playback.Opus;
using Spotify.Rx.Playback.Player;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Streams;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Playback.Tests.Player;

public class TrackPlayerTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private static async Task<(TrackManifest Track, byte[] File)> FirstTrack()
    {
        var library = await TestLibrary.GetAsync();
        var track = library.Tracks[0];
        return (track, await File.ReadAllBytesAsync(library.AudioPath(track.Id)));
    }

    private static void AddPages(PlayoutBuffer buffer, byte[] file, int from, int to)
    {
        long start = buffer.Track.Pages[from].Offset, end = buffer.Track.PageEnd(to - 1);
        buffer.Add(start, file.AsSpan((int)start, (int)(end - start)), DataSource.Server);
    }

    [Fact]
    public async Task On_underrun_the_player_stops_where_the_data_ran_out_and_resumes_there()
    {
        var (track, file) = await FirstTrack();
        var scheduler = new TestScheduler();
        using var buffer = new PlayoutBuffer(track);
        using var player = new TrackPlayer(buffer, scheduler, new NullSink(), new PlayerOptions { Tick = Tick });
        var seen = new List<PlaybackPosition>();
        using var _ = player.Positions.Subscribe(seen.Add);

        AddPages(buffer, file, 0, 3);                       // three pages: 3 s minus pre-skip
        var dataEnd = track.PlayableUntil(track.Pages[3].Offset);
        player.Play(TimeSpan.Zero);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);

        Assert.Equal(new PlaybackPosition(track.Id, dataEnd, PlayerState.Underrun), player.Current);
        Assert.Equal(1, player.Underruns);
        Assert.Equal(TimeSpan.Zero, buffer.Level.Ahead);
        // The clock never ran ahead of the data, and after the pause nothing moved.
        Assert.All(seen, p => Assert.True(p.Position <= dataEnd));
        Assert.Equal(PlayerState.Underrun, seen[^1].State);

        AddPages(buffer, file, 3, 6);
        scheduler.AdvanceBy(Tick.Ticks);                     // the next tick resumes, at the same position
        Assert.Equal(new PlaybackPosition(track.Id, dataEnd, PlayerState.Playing), player.Current);
        scheduler.AdvanceBy(Tick.Ticks);
        Assert.Equal(dataEnd + Tick, player.Current.Position);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        Assert.Equal(dataEnd + Tick + TimeSpan.FromSeconds(1), player.Current.Position);
        Assert.Equal(1, player.Underruns);
    }

    [Fact]
    public async Task Playing_waits_in_buffering_until_the_first_page_arrives()
    {
        var (track, file) = await FirstTrack();
        var scheduler = new TestScheduler();
        using var buffer = new PlayoutBuffer(track);
        using var player = new TrackPlayer(buffer, scheduler, new NullSink(), new PlayerOptions { Tick = Tick });
        var from = TimeSpan.FromSeconds(4.5);
        player.Play(from);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(3).Ticks);
        Assert.Equal(new PlaybackPosition(track.Id, from, PlayerState.Buffering), player.Current);
        Assert.Equal(0, player.Underruns);

        int page = track.PageIndexAt(from);
        AddPages(buffer, file, page, page + 2);
        scheduler.AdvanceBy(Tick.Ticks * 51);                // resume tick + 50 ticks of 20 ms
        Assert.Equal(new PlaybackPosition(track.Id, from + TimeSpan.FromSeconds(1), PlayerState.Playing), player.Current);
    }

    [Fact]
    public async Task The_speed_factor_plays_more_audio_per_tick_of_the_scheduler()
    {
        var (track, file) = await FirstTrack();
        var scheduler = new TestScheduler();
        using var buffer = new PlayoutBuffer(track);
        buffer.Add(0, file, DataSource.Cache);
        using var player = new TrackPlayer(buffer, scheduler, new NullSink(), new PlayerOptions { Tick = Tick, Speed = 8 });
        player.Play(TimeSpan.Zero);
        scheduler.AdvanceBy(Tick.Ticks);                     // buffering -> playing
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        Assert.Equal(TimeSpan.FromSeconds(8), player.Current.Position);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);
        Assert.Equal(new PlaybackPosition(track.Id, track.Duration, PlayerState.Ended), player.Current);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(7.31)]
    public async Task A_wav_written_by_the_player_equals_the_decoded_pcm_sample_for_sample(double fromSeconds)
    {
        var (track, file) = await FirstTrack();
        string wav = Path.Combine(TestLibrary.TempFolder("wav"), "out.wav");
        var scheduler = new TestScheduler();
        using (var buffer = new PlayoutBuffer(track))
        using (var player = new TrackPlayer(buffer, scheduler, new WaveFileSink(wav), new PlayerOptions { Tick = Tick, Speed = 4 }))
        {
            buffer.Add(0, file, DataSource.Server);
            player.Play(TimeSpan.FromSeconds(fromSeconds));
            scheduler.AdvanceBy((track.Duration / 4 + TimeSpan.FromSeconds(1)).Ticks);
            Assert.Equal(PlayerState.Ended, player.Current.State);
            player.Dispose();
        }

        var expected = TrackPcm.Decode(track, file).AsSpan((int)Math.Round(fromSeconds * 48_000) * 2).ToArray();
        using var reader = new WaveFileReader(wav);
        Assert.Equal(new WaveFormat(48_000, 16, 2), reader.WaveFormat);
        var bytes = new byte[reader.Length];
        reader.ReadExactly(bytes);
        var written = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, written, 0, bytes.Length);
        Assert.Equal(expected.Length, written.Length);
        Assert.True(expected.AsSpan().SequenceEqual(written), "the WAV differs from the decoded PCM");
    }

    [Fact]
    public void Without_a_player_program_the_device_sink_says_what_to_install()
    {
        if (ProcessSink.Candidates.Any(c => ProcessSink.FindOnPath(c.Command) is not null))
        {
            using var sink = ProcessSink.Start();
            Assert.Contains(sink.Player, ProcessSink.Candidates.Select(c => c.Command));
            return;
        }
        var error = Assert.Throws<InvalidOperationException>(ProcessSink.Start);
        Assert.Contains("aplay", error.Message);
        Assert.Contains("pw-play", error.Message);
    }
}
