using Spotify.Rx.Marbles;
using Spotify.Rx.Streams.Decisions;
using Spotify.Rx.Streams.Rules;
using Spotify.Rx.Streams.Scheduling;
using static Spotify.Rx.Streams.Tests.Rules.Audio;

namespace Spotify.Rx.Streams.Tests.Rules;

public class FetchPlansTests
{
    private static readonly object Plans = new
    {
        p = FetchPlan.Start,
        f = new FetchPlan(FetchMode.ServerFallback, false, false),
        o = new FetchPlan(FetchMode.ServerOnly, true, true),
        u = new FetchPlan(FetchMode.Peers, true, true),
    };

    private static readonly object Stutters = new { x = new Stutter("t1", Seconds(40)), y = new Stutter("t1", Seconds(50)) };
    private static readonly object Health = new { d = false, a = true };

    [Fact]
    public void A_play_starts_on_peers_and_falls_back_only_once_its_level_has_stood_at_ten_and_fallen()
    {
        var m = new MarbleScheduler(Frame);
        var level = m.Hot<BufferLevel>("^a-b-c-d-e", new { a = Level(0), b = Level(4), c = Level(10), d = Level(9.9), e = Level(10) });
        var stutters = m.Hot<Stutter>("^", Stutters);
        var server = m.Hot<bool>("^", Health);

        m.ExpectObservable(FetchPlans.Source(level, stutters, server, m)).ToBe(
                                       "p------f-p", Plans);
        m.Flush();
    }

    [Fact]
    public void A_track_buffered_to_its_end_never_falls_back()
    {
        var m = new MarbleScheduler(Frame);
        var level = m.Hot<BufferLevel>("^a-b-c", new { a = Level(12), b = Complete(8), c = Complete(1) });
        var stutters = m.Hot<Stutter>("^", Stutters);
        var server = m.Hot<bool>("^", Health);

        m.ExpectObservable(FetchPlans.Source(level, stutters, server, m)).ToBe("p", Plans);
        m.Flush();
    }

    [Fact]
    public void A_stutter_takes_the_track_to_the_server_only_stops_uploads_and_pauses_the_prefetch_until_the_track_is_complete()
    {
        var m = new MarbleScheduler(Frame);
        var level = m.Hot<BufferLevel>("^a---b-c-d", new { a = Level(12), b = Level(30), c = Level(2), d = Complete(25) });
        var stutters = m.Hot<Stutter>("^--x---y", Stutters);
        var server = m.Hot<bool>("^", Health);

        m.ExpectObservable(FetchPlans.Source(level, stutters, server, m)).ToBe(
                                       "p--o-----p", Plans);
        m.Flush();
    }

    [Fact]
    public void With_the_server_unreachable_peers_carry_the_track_and_the_rules_apply_again_once_it_answers()
    {
        var m = new MarbleScheduler(Frame);
        var level = m.Hot<BufferLevel>("^a-b-----c", new { a = Level(12), b = Level(8), c = Level(11) });
        var stutters = m.Hot<Stutter>("^", Stutters);
        var server = m.Hot<bool>("^-d---a", Health);

        m.ExpectObservable(FetchPlans.Source(level, stutters, server, m)).ToBe(
                                       "p-----f--p", Plans);
        m.Flush();
    }

    [Fact]
    public void A_stutter_while_the_server_is_unreachable_stops_uploads_and_the_prefetch_and_peers_carry_the_track()
    {
        var m = new MarbleScheduler(Frame);
        var level = m.Hot<BufferLevel>("^a", new { a = Level(12) });
        var stutters = m.Hot<Stutter>("^--x", Stutters);
        var server = m.Hot<bool>("^-d---a", Health);

        m.ExpectObservable(FetchPlans.Source(level, stutters, server, m)).ToBe(
                                       "p--u--o", Plans);
        m.Flush();
    }

    [Fact]
    public void The_next_track_is_fetched_from_peers_only_and_waits_while_a_stutter_is_recovered_from()
    {
        Assert.Equal(FetchMode.PeersOnly, FetchPlan.Start.Next);
        Assert.Equal(FetchMode.Suspended, new FetchPlan(FetchMode.ServerOnly, true, true).Next);
    }

    [Fact]
    public void A_stutter_during_a_fallback_keeps_the_track_on_the_server_until_it_is_complete()
    {
        var m = new MarbleScheduler(Frame);
        var level = m.Hot<BufferLevel>("^-a-b---c---d", new { a = Level(20), b = Level(8), c = Level(12), d = Complete(40) });
        var stutters = m.Hot<Stutter>("^-----x", Stutters);
        var server = m.Hot<bool>("^", Health);

        // Without the stutter, 12 s at frame 8 would hand the track back to the peers (rule 3).
        m.ExpectObservable(FetchPlans.Source(level, stutters, server, m)).ToBe(
                                       "p---f-o-----p", Plans);
        m.Flush();
    }

    [Fact]
    public void After_a_stutter_the_track_comes_from_the_server_even_with_a_full_buffer_ahead()
    {
        var m = new MarbleScheduler(Frame);
        var level = m.Hot<BufferLevel>("^-a---b", new { a = Level(20), b = Level(25) });
        var stutters = m.Hot<Stutter>("^---x", Stutters);
        var server = m.Hot<bool>("^", Health);

        m.ExpectObservable(FetchPlans.Source(level, stutters, server, m)).ToBe(
                                       "p---o", Plans);
        m.Flush();
    }
}
