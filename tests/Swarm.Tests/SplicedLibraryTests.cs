using Spotify.Rx.Playback.Library;
using Spotify.Rx.Playback.Opus;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Swarm.Tests;

/// <summary>The paper catalogue's generator, on a tiny catalogue: real files, real decoding.</summary>
public class SplicedLibraryTests
{
    private static readonly SplicedLibraryOptions Tiny = new()
    {
        Count = 4,
        Sources = 2,
        Seed = 11,
        MinLength = TimeSpan.FromSeconds(4),
        MaxLength = TimeSpan.FromSeconds(7),
        MinSection = TimeSpan.FromSeconds(1),
        MaxSection = TimeSpan.FromSeconds(3),
    };

    [Fact]
    public async Task Every_track_is_a_whole_ogg_opus_stream_whose_decoded_length_is_its_manifests_duration()
    {
        var folder = TestLibrary.TempFolder("spliced");

        var library = await SplicedLibrary.EnsureAsync(folder, Tiny).WaitAsync(TimeSpan.FromSeconds(120));

        var plans = SplicedLibrary.Plan(Tiny);
        Assert.Equal(plans.Select(p => p.Id), library.Tracks.Select(t => t.Id));
        Assert.All(library.Tracks, manifest =>
        {
            var bytes = File.ReadAllBytes(library.AudioPath(manifest.Id));
            var rebuilt = ManifestBuilder.Build(manifest.Id, bytes, manifest.Title, manifest.Artist);
            Assert.Equal((rebuilt.ByteLength, rebuilt.Duration, rebuilt.PreSkip), (manifest.ByteLength, manifest.Duration, manifest.PreSkip));
            Assert.Equal(rebuilt.ChunkHashes, manifest.ChunkHashes);
            Assert.Equal(rebuilt.Pages, manifest.Pages);
            int pages = plans.Single(p => p.Id == manifest.Id).Sections.Sum(s => s.Pages);
            Assert.Equal(pages, manifest.Pages.Count);
            Assert.InRange(manifest.Duration, Tiny.MinLength - TimeSpan.FromSeconds(1), Tiny.MaxLength);
            var pcm = TrackPcm.Decode(manifest, bytes);
            Assert.Equal(TrackManifest.SamplesToTime(pcm.Length / OpusFormat.Channels), manifest.Duration);
            Assert.Contains(pcm, s => Math.Abs((int)s) > 1000); // music, not silence
        });
    }

    [Fact]
    public async Task A_second_call_reuses_the_tracks_and_the_same_options_make_the_same_bytes()
    {
        var first = TestLibrary.TempFolder("spliced-a");
        var second = TestLibrary.TempFolder("spliced-b");
        var made = await SplicedLibrary.EnsureAsync(first, Tiny).WaitAsync(TimeSpan.FromSeconds(120));
        var written = made.Tracks.ToDictionary(t => t.Id, t => File.GetLastWriteTimeUtc(made.AudioPath(t.Id)));

        var again = await SplicedLibrary.EnsureAsync(first, Tiny).WaitAsync(TimeSpan.FromSeconds(120));
        var elsewhere = await SplicedLibrary.EnsureAsync(second, Tiny).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.All(again.Tracks, t => Assert.Equal(written[t.Id], File.GetLastWriteTimeUtc(again.AudioPath(t.Id))));
        Assert.All(made.Tracks, t => Assert.Equal(File.ReadAllBytes(made.AudioPath(t.Id)), File.ReadAllBytes(elsewhere.AudioPath(t.Id))));
    }

    [Fact]
    public void The_plan_cuts_sections_inside_the_source_songs_and_fills_each_track()
    {
        var plans = SplicedLibrary.Plan(Tiny);

        Assert.All(plans, plan => Assert.All(plan.Sections, s =>
        {
            Assert.InRange(s.Source, 0, Tiny.Sources - 1);
            Assert.True(s.FromPage + s.Pages <= (int)Tiny.MaxLength.TotalSeconds, $"{plan.Id}: {s} runs past a source song");
        }));
    }
}
