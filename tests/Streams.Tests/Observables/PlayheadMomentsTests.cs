using Spotify.Rx.Streams.Observables;
using Spotify.Rx.Streams.Rules;

namespace Spotify.Rx.Streams.Tests.Observables;

public class PlayheadMomentsTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(200);
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void With_a_full_buffer_the_next_moment_is_one_tick_past_the_level_reaching_the_fallback_threshold()
    {
        var next = PlayheadMoments.Next(S(20), new BufferLevel(S(25)), Duration);

        Assert.Equal(S(35) + OneTick, next);
        // At that position the level is strictly below the threshold, and a tick earlier it was not.
        Assert.Equal(DataSource.Server, ServerFallback.Decide(new BufferLevel(S(45) - next)));
        Assert.Equal(DataSource.Peers, ServerFallback.Decide(new BufferLevel(S(45) - next + OneTick)));
    }

    [Fact]
    public void Below_the_threshold_the_next_moment_is_where_the_data_runs_out()
    {
        Assert.Equal(S(24), PlayheadMoments.Next(S(20), new BufferLevel(S(4)), Duration));
    }

    [Fact]
    public void A_whole_track_in_the_buffer_has_no_level_moments_only_the_time_left_ones_and_its_end()
    {
        Assert.Equal(Duration - Prefetch.PeerThreshold, PlayheadMoments.Next(S(20), new BufferLevel(S(3), TrackComplete: true), Duration));
        Assert.Equal(Duration - Prefetch.ServerThreshold, PlayheadMoments.Next(Duration - Prefetch.PeerThreshold, new BufferLevel(S(30), TrackComplete: true), Duration));
        Assert.Equal(Duration, PlayheadMoments.Next(Duration - Prefetch.ServerThreshold, new BufferLevel(S(10), TrackComplete: true), Duration));
    }

    [Fact]
    public void The_time_left_thresholds_come_before_a_level_moment_that_is_further_on()
    {
        var position = Duration - Prefetch.PeerThreshold - S(1);
        Assert.Equal(Duration - Prefetch.PeerThreshold, PlayheadMoments.Next(position, new BufferLevel(S(25)), Duration));
    }

    [Fact]
    public void A_threshold_already_passed_is_not_a_moment_again()
    {
        // Level 10 s exactly: the fallback moment (one tick on) is ahead, the level's end after it.
        Assert.Equal(S(20) + OneTick, PlayheadMoments.Next(S(20), new BufferLevel(S(10)), Duration));
        // Level below 10 s and at the peer threshold's position: the data's end is next.
        Assert.Equal(Duration - S(25), PlayheadMoments.Next(Duration - Prefetch.PeerThreshold, new BufferLevel(S(5)), Duration));
    }

    [Fact]
    public void At_or_past_the_end_the_answer_is_the_end()
    {
        Assert.Equal(Duration, PlayheadMoments.Next(Duration, new BufferLevel(TimeSpan.Zero, TrackComplete: true), Duration));
        Assert.Equal(Duration, PlayheadMoments.Next(Duration + S(1), new BufferLevel(TimeSpan.Zero), Duration));
    }
}
