using NAudio.Wave;
using Spotify.Rx.Playback.Import;
using Spotify.Rx.Playback.Opus;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Playback.Tests.Import;

public class ImporterTests
{
    /// <summary>A 44.1 kHz mono WAV of a 440 Hz tone with RIFF INFO tags, written by NAudio.</summary>
    private static string WriteTaggedWave(string folder, string name, double seconds)
    {
        string path = Path.Combine(folder, name);
        using var writer = new WaveFileWriter(path, new WaveFormat(44_100, 16, 1));
        var tags = new InfoMetadata();
        tags.Set("INAM", "Tone Poem");
        tags.Set("IART", "Test Bench");
        writer.WriteInfoMetadata(tags);
        int frames = (int)(seconds * 44_100);
        for (int i = 0; i < frames; i++) writer.WriteSample((float)(0.5 * Math.Sin(2 * Math.PI * 440 * i / 44_100.0)));
        return path;
    }

    [Fact]
    public async Task A_wav_becomes_a_track_with_its_tags_and_its_length()
    {
        string source = TestLibrary.TempFolder("import-src"), library = TestLibrary.TempFolder("import-lib");
        WriteTaggedWave(source, "tone.wav", 3.0);

        var results = await TrackImporter.ImportFolderAsync(source, library);

        var track = Assert.Single(results).Track!;
        Assert.Equal("Tone Poem", track.Title);
        Assert.Equal("Test Bench", track.Artist);
        Assert.InRange(track.Duration.TotalSeconds, 2.98, 3.02);
        var opened = Playback.Tracks.TrackLibrary.Open(library);
        Assert.Equal(track.Id, Assert.Single(opened.Tracks).Id);
        // The tone survives transcoding: the decoded signal has the WAV's level (0.5 peak => RMS 0.354).
        var pcm = TrackPcm.Decode(track, await File.ReadAllBytesAsync(opened.AudioPath(track.Id)));
        double rms = Math.Sqrt(pcm.Skip(48_000).Take(96_000).Average(s => (double)s * s)) / 32768;
        Assert.InRange(rms, 0.33, 0.38);
    }

    [Fact]
    public async Task A_corrupt_file_is_reported_by_name_and_leaves_nothing_behind()
    {
        string source = TestLibrary.TempFolder("import-bad"), library = TestLibrary.TempFolder("import-bad-lib");
        WriteTaggedWave(source, "good.wav", 1.0);
        await File.WriteAllBytesAsync(Path.Combine(source, "broken.wav"), "RIFF garbage, not a wave file"u8.ToArray());
        await File.WriteAllBytesAsync(Path.Combine(source, "broken.mp3"), new byte[5000]);
        await File.WriteAllBytesAsync(Path.Combine(source, "broken.ogg"), "OggS but nothing else"u8.ToArray());

        var results = await TrackImporter.ImportFolderAsync(source, library);

        Assert.Equal(4, results.Count);
        Assert.Single(results, r => r.Imported);
        foreach (string bad in new[] { "broken.wav", "broken.mp3", "broken.ogg" })
        {
            var result = Assert.Single(results, r => Path.GetFileName(r.SourcePath) == bad);
            Assert.False(result.Imported);
            Assert.False(string.IsNullOrEmpty(result.Error));
        }
        Assert.Equal(2, Directory.GetFiles(library).Length);   // the good track's audio and manifest only
    }
}
