using System.Globalization;
using System.Text.Json;
using Spotify.Rx.Playback.Opus;
using Spotify.Rx.Playback.Tests.Support;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Playback.Tests.Opus;

/// <summary>Our files, judged by decoders we did not write: ffmpeg (libopus) and opusinfo (libogg).</summary>
public class IndependentDecoderTests
{
    [Fact]
    public async Task Ffmpeg_decodes_every_generated_track_without_error_to_its_stated_duration()
    {
        var library = await TestLibrary.GetAsync();
        foreach (var track in library.Tracks)
        {
            var result = await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-i", library.AudioPath(track.Id), "-f", "s16le", "-ac", "2", "-ar", "48000", "-");
            Assert.True(result.ExitCode == 0 && result.Errors.Length == 0, $"{track.Id}: ffmpeg said: {result.Errors}");
            var decoded = TimeSpan.FromSeconds(result.Output.Length / 4 / 48_000.0);
            Assert.InRange((decoded - track.Duration).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
        }
    }

    [Fact]
    public async Task Ffprobe_reads_the_title_and_artist_from_OpusTags()
    {
        var library = await TestLibrary.GetAsync();
        var track = library.Tracks[0];
        var result = await ExternalTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,channels:stream_tags", "-of", "json", library.AudioPath(track.Id));
        Assert.Equal(0, result.ExitCode);
        var stream = JsonDocument.Parse(result.Output).RootElement.GetProperty("streams")[0];
        Assert.Equal("opus", stream.GetProperty("codec_name").GetString());
        Assert.Equal(2, stream.GetProperty("channels").GetInt32());
        // Vorbis comment names are case-insensitive; ffprobe shows them as stored.
        var tags = stream.GetProperty("tags").EnumerateObject().ToDictionary(p => p.Name.ToLowerInvariant(), p => p.Value.GetString());
        Assert.Equal(track.Title, tags["title"]);
        Assert.Equal(track.Artist, tags["artist"]);
    }

    [Fact]
    public async Task Opusinfo_finds_a_valid_stream_with_no_warnings()
    {
        var library = await TestLibrary.GetAsync();
        foreach (var track in library.Tracks)
        {
            var result = await ExternalTool.RunAsync("opusinfo", library.AudioPath(track.Id));
            string report = System.Text.Encoding.UTF8.GetString(result.Output) + result.Errors;
            Assert.True(result.ExitCode == 0, report);
            Assert.DoesNotContain("WARNING", report, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("ERROR", report, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("Pre-skip: " + track.PreSkip.ToString(CultureInfo.InvariantCulture), report);
        }
    }

    [Fact]
    public async Task Our_decoder_and_ffmpeg_agree_on_timing_and_content()
    {
        // Different decoders (fixed point here, float in libopus) differ in the last bits, but a sample shift
        // (a wrong pre-skip, a lost packet) would wreck the signal-to-noise ratio.
        var library = await TestLibrary.GetAsync();
        var track = library.Tracks[0];
        var result = await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-i", library.AudioPath(track.Id), "-f", "s16le", "-ac", "2", "-ar", "48000", "-");
        var theirs = new short[result.Output.Length / 2];
        Buffer.BlockCopy(result.Output, 0, theirs, 0, theirs.Length * 2);
        var ours = TrackPcm.Decode(track, await File.ReadAllBytesAsync(library.AudioPath(track.Id)));

        Assert.Equal(theirs.Length, ours.Length);
        double signal = 0, noise = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            signal += (double)theirs[i] * theirs[i];
            noise += (double)(ours[i] - theirs[i]) * (ours[i] - theirs[i]);
        }
        double snr = 10 * Math.Log10(signal / Math.Max(noise, 1));
        Assert.True(snr > 40, $"SNR between decoders is {snr:0.0} dB");
    }
}
