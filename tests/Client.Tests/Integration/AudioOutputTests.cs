using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Spotify.Rx.Playback.Opus;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Client.Tests.Integration;

/// <summary>What a client writes into its sink while it plays by the rules against a real server and tracker.</summary>
public sealed class AudioOutputTests(AudioNodes nodes, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<AudioNodes>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_track_played_from_the_start_into_a_wav_sink_is_the_track_decoded_sample_for_sample()
    {
        var track = nodes.Track(0);
        var wav = Path.Combine(nodes.Folder("whole"), "play.wav");
        var client = await nodes.ClientAsync("wav-whole", "wav:" + wav);
        var events = new List<RuleEvent>();
        using var recording = Collect(client, events);

        await client.PlayAsync([new PlayItem(track.Id, TimeSpan.Zero)]).WaitAsync(Bound);

        AssertSamples(TrackPcm.Decode(track, nodes.File(track)), AudioNodes.Samples(wav));
        var audio = Assert.Single(client.Snapshot().RecentEvents, e => e.Contains(" audio: "));
        Assert.Contains($"{track.Id}: {track.Duration.TotalSeconds:0.000}s from 0.000s written to wav:{wav}", audio);
        lock (events) Assert.DoesNotContain(events, e => e.Kind == "audio-error");
    }

    [Fact]
    public Task A_random_access_play_from_twenty_seconds_writes_exactly_the_audio_from_twenty_seconds() =>
        PlaysExactlyFrom(TimeSpan.FromSeconds(20), "seek");

    [Fact]
    public Task A_random_access_play_from_a_page_start_is_exact_where_a_start_without_pre_roll_is_not()
    {
        // 20 s lies 312 samples into its page; a cold decoder differs from the exact one only in the page's
        // first few milliseconds here, so only a start at the page's first sample shows what the pre-roll buys.
        var track = nodes.Track(1);
        var page = track.PageIndexAt(TimeSpan.FromSeconds(20));
        var exact = TrackPcm.Decode(track, nodes.File(track), firstPage: page);
        var cold = TrackPcm.Decode(track, nodes.File(track), firstPage: page, preRoll: false);
        Assert.False(cold.AsSpan().SequenceEqual(exact), "a start without pre-roll is exact too: the test would prove nothing");
        return PlaysExactlyFrom(TrackManifest.SamplesToTime(track.PageStartSample(page)), "page");
    }

    private async Task PlaysExactlyFrom(TimeSpan from, string name)
    {
        var track = nodes.Track(1);
        var wav = Path.Combine(nodes.Folder(name), name + ".wav");
        var client = await nodes.ClientAsync("wav-" + name, "wav:" + wav);

        await client.PlayAsync([new PlayItem(track.Id, from)]).WaitAsync(Bound);

        // Playback's exact seek: decoding starts at the page holding the position after one page of pre-roll.
        var page = track.PageIndexAt(from);
        var fromPage = TrackPcm.Decode(track, nodes.File(track), firstPage: page);
        var skip = (int)((long)Math.Round(from.TotalSeconds * OpusFormat.SampleRate) - track.PageStartSample(page)) * OpusFormat.Channels;
        AssertSamples(fromPage[skip..], AudioNodes.Samples(wav));
        var audio = Assert.Single(client.Snapshot().RecentEvents, e => e.Contains(" audio: "));
        output.WriteLine(audio);
        Assert.DoesNotContain("cold start", audio);
    }

    [Fact]
    public async Task A_playlist_into_a_wav_sink_is_one_file_with_the_tracks_one_after_the_other()
    {
        var (first, second) = (nodes.Track(0), nodes.Track(1));
        var wav = Path.Combine(nodes.Folder("playlist"), "playlist.wav");
        var client = await nodes.ClientAsync("wav-playlist", "wav:" + wav);

        await client.PlayAsync([new PlayItem(first.Id, TimeSpan.Zero), new PlayItem(second.Id, TimeSpan.Zero)]).WaitAsync(Bound);

        Assert.Equal(new[] { first.Id, second.Id }, client.Reports.Select(r => r.TrackId));
        AssertSamples([.. TrackPcm.Decode(first, nodes.File(first)), .. TrackPcm.Decode(second, nodes.File(second))], AudioNodes.Samples(wav));
    }

    [Fact]
    public async Task A_play_left_in_the_middle_leaves_a_wav_of_exactly_the_audio_played_until_then()
    {
        var track = nodes.Track(0);
        var wav = Path.Combine(nodes.Folder("left"), "left.wav");
        // At real speed the track is still playing when it is left.
        var client = await nodes.ClientAsync("wav-left", "wav:" + wav, speed: 1);
        var twoSecondsIn = client.Snapshots.FirstAsync(s => s.State == Streams.PlayerState.Playing && s.Position >= TimeSpan.FromSeconds(2))
            .Timeout(Bound).ToTask();
        using var skip = new CancellationTokenSource();

        var play = client.PlayAsync([new PlayItem(track.Id, TimeSpan.Zero)], skip.Token);
        await twoSecondsIn;
        skip.Cancel();
        var stopped = await Record.ExceptionAsync(() => play.WaitAsync(Bound));
        Assert.True(stopped is null or OperationCanceledException, $"PlayAsync after cancel: {stopped}");

        var written = AudioNodes.Samples(wav);
        var frames = written.Length / 2;
        Assert.InRange(frames, 2 * 48_000, (long)(track.Duration.TotalSeconds * 48_000) - 1);
        AssertSamples(TrackPcm.Decode(track, nodes.File(track))[..written.Length], written);
        var audio = Assert.Single(client.Snapshot().RecentEvents, e => e.Contains(" audio: "));
        Assert.Contains($"{track.Id}: {TrackManifest.SamplesToTime(frames).TotalSeconds:0.000}s from 0.000s", audio);
    }

    [Fact]
    public async Task A_device_sink_at_a_speed_factor_is_refused_with_what_to_do_instead()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => nodes.StartAsync(nodes.Options("device-fast", "device", speed: 12)));
        Assert.Contains("sink 'device' plays in real time only, not at speed 12", error.Message);
        Assert.Contains("use --speed 1 with --sink device", error.Message);
    }

    [Fact]
    public async Task The_null_sink_decodes_nothing_and_the_play_is_the_same()
    {
        var track = nodes.Track(0);
        var client = await nodes.ClientAsync("null-sink", "null");
        var events = new List<RuleEvent>();
        using var recording = Collect(client, events);

        await client.PlayAsync([new PlayItem(track.Id, TimeSpan.FromSeconds(20))]).WaitAsync(Bound);

        Assert.Equal(track.Id, client.Reports.Single().TrackId);
        // A play with sound raises the output's report just before PlayAsync returns (the other tests find it
        // among the last events); without a sink there is none, and no output error either.
        Assert.DoesNotContain(client.Snapshot().RecentEvents, e => e.Contains(" audio"));
        lock (events) Assert.DoesNotContain(events, e => e.Kind.StartsWith("audio", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sink_that_fails_is_reported_and_silenced_while_the_play_goes_on_to_the_end()
    {
        var track = nodes.Track(0);
        // Writes to /dev/full fail with "no space left on device" once the file's buffer is flushed.
        var client = await nodes.ClientAsync("full-disk", "wav:/dev/full");
        var failed = client.Events.FirstAsync(e => e.Kind == "audio-error").Timeout(Bound).ToTask();

        await client.PlayAsync([new PlayItem(track.Id, TimeSpan.Zero)]).WaitAsync(Bound);

        var error = await failed;
        output.WriteLine(error.Detail);
        Assert.Contains($"wav:/dev/full failed during {track.Id}", error.Detail);
        Assert.Contains("sound off for the rest of the run", error.Detail);
        // PlayAsync returned without a cancellation: the play itself ran to the track's end.
        Assert.Equal(track.Id, client.Reports.Single().TrackId);
    }

    /// <summary>Collects the client's events in order (they arrive on the task pool, locked for reading).</summary>
    private static IDisposable Collect(ClientNode client, List<RuleEvent> into) =>
        client.Events.Subscribe(e => { lock (into) into.Add(e); });

    private static void AssertSamples(short[] expected, short[] written)
    {
        Assert.Equal(expected.Length, written.Length);
        var mismatch = expected.AsSpan().CommonPrefixLength(written);
        Assert.True(mismatch == expected.Length, $"the WAV differs from the decoded track at sample {mismatch / 2} of {expected.Length / 2}");
    }
}
