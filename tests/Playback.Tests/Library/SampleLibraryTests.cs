using Spotify.Rx.Playback.Library;
using Spotify.Rx.Playback.Opus;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Playback.Tests.Library;

public class SampleLibraryTests
{
    private static readonly SampleLibraryOptions Tiny = new() { Count = 2, Seed = 99, MinLength = TimeSpan.FromSeconds(3), MaxLength = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task The_same_seed_writes_the_same_bytes()
    {
        var a = await SampleLibrary.EnsureAsync(TestLibrary.TempFolder("seed-a"), Tiny);
        var b = await SampleLibrary.EnsureAsync(TestLibrary.TempFolder("seed-b"), Tiny);
        Assert.Equal(a.Tracks.Select(t => (t.Id, t.Title, t.Artist)), b.Tracks.Select(t => (t.Id, t.Title, t.Artist)));
        Assert.Equal(a.Tracks.SelectMany(t => t.ChunkHashes), b.Tracks.SelectMany(t => t.ChunkHashes));
    }

    [Fact]
    public async Task Another_seed_writes_other_songs()
    {
        var a = await SampleLibrary.EnsureAsync(TestLibrary.TempFolder("seed-c"), Tiny);
        var b = await SampleLibrary.EnsureAsync(TestLibrary.TempFolder("seed-d"), Tiny with { Seed = 100 });
        Assert.Empty(a.Tracks.Select(t => t.ChunkHashes[^1]).Intersect(b.Tracks.Select(t => t.ChunkHashes[^1])));
    }

    [Fact]
    public async Task A_complete_library_is_reused_and_a_damaged_track_is_written_again()
    {
        string folder = TestLibrary.TempFolder("reuse");
        var first = await SampleLibrary.EnsureAsync(folder, Tiny);
        var kept = first.Tracks[0];
        var damaged = first.Tracks[1];
        var keptWritten = File.GetLastWriteTimeUtc(Path.Combine(folder, kept.Id + ".opus"));
        await File.WriteAllBytesAsync(Path.Combine(folder, damaged.Id + ".opus"), new byte[10]);

        var reports = new List<SampleLibraryProgress>();
        var second = await SampleLibrary.EnsureAsync(folder, Tiny, new SyncProgress(reports));

        Assert.Contains(reports, r => r.TrackId == kept.Id && r.Reused);
        Assert.DoesNotContain(reports, r => r.TrackId == damaged.Id && r.Reused);
        Assert.Equal(keptWritten, File.GetLastWriteTimeUtc(Path.Combine(folder, kept.Id + ".opus")));
        Assert.Equal(damaged.ChunkHashes, second.Find(damaged.Id)!.ChunkHashes);
        Assert.Empty(Directory.GetFiles(folder, "*.partial"));
    }

    [Fact]
    public void Track_lengths_fall_in_the_configured_range_and_are_music_not_silence()
    {
        var plans = SampleLibrary.Plan(new SampleLibraryOptions { Count = 16 });
        Assert.All(plans, p => Assert.InRange(p.Song.Length, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4)));
        Assert.All(plans, p => Assert.True(TrackLibrary.IsValidId(p.Id), p.Id));
        Assert.Equal(16, plans.Select(p => p.Id).Distinct().Count());
        // Chords, bass, beat and lead all play in every song.
        Assert.All(plans, p => Assert.Equal(Enum.GetValues<Synth.Instrument>().Length, p.Song.Events.Select(e => e.Note.Instrument).Distinct().Count()));
    }

    [Fact]
    public async Task Generated_audio_is_loud_enough_to_hear_and_never_clips()
    {
        var library = await TestLibrary.GetAsync();
        var track = library.Tracks[0];
        var pcm = TrackPcm.Decode(track, await File.ReadAllBytesAsync(library.AudioPath(track.Id)));
        double rms = Math.Sqrt(pcm.Average(s => (double)s * s)) / 32768;
        int peak = pcm.Max(s => Math.Abs((int)s));
        Assert.InRange(rms, 0.03, 0.5);
        Assert.True(peak < 32767, $"peak {peak}");
    }

    private sealed class SyncProgress(List<SampleLibraryProgress> into) : IProgress<SampleLibraryProgress>
    {
        public void Report(SampleLibraryProgress value) { lock (into) into.Add(value); }
    }
}
