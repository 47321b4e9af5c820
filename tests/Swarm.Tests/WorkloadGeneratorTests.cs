using Spotify.Rx.Swarm.Workload;

namespace Spotify.Rx.Swarm.Tests;

public class WorkloadGeneratorTests
{
    private static readonly IReadOnlyList<CatalogueTrack> Catalogue = Enumerable.Range(0, 40)
        .Select(i => new CatalogueTrack($"track-{i:00}", TimeSpan.FromSeconds(30 + i)))
        .ToList();

    private static readonly WorkloadOptions Options = new() { ListeningTime = TimeSpan.FromMinutes(20) };

    [Fact]
    public void The_same_seed_gives_the_same_sessions()
    {
        var first = WorkloadGenerator.Generate(Catalogue, 5, Options, seed: 42);
        var second = WorkloadGenerator.Generate(Catalogue, 5, Options, seed: 42);

        Assert.Equal(Flatten(first), Flatten(second));
    }

    [Fact]
    public void Another_seed_gives_other_sessions()
    {
        var first = WorkloadGenerator.Generate(Catalogue, 5, Options, seed: 42);
        var second = WorkloadGenerator.Generate(Catalogue, 5, Options, seed: 43);

        Assert.NotEqual(Flatten(first), Flatten(second));
    }

    [Fact]
    public void Adding_clients_leaves_the_first_clients_sessions_as_they_were()
    {
        var few = WorkloadGenerator.Generate(Catalogue, 3, Options, seed: 9);
        var more = WorkloadGenerator.Generate(Catalogue, 8, Options, seed: 9);

        Assert.Equal(Flatten(few), Flatten(more.Take(3).ToList()));
    }

    [Fact]
    public void Each_client_listens_for_the_listening_time_and_at_most_one_play_more()
    {
        var workload = WorkloadGenerator.Generate(Catalogue, 10, Options, seed: 1);
        var longest = Catalogue.Max(t => t.Duration);

        Assert.All(workload, client =>
        {
            var heard = client.Plays.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Heard);
            Assert.InRange(heard, Options.ListeningTime, Options.ListeningTime + longest);
        });
    }

    [Fact]
    public void About_the_configured_share_of_plays_are_random_access()
    {
        var plays = WorkloadGenerator.Generate(Catalogue, 50, Options, seed: 5).SelectMany(c => c.Plays).ToList();

        var share = plays.Count(p => p.RandomAccess) / (double)plays.Count;
        Assert.InRange(share, 0.36, 0.42);
    }

    [Fact]
    public void Random_access_plays_start_inside_the_track_and_playlist_plays_at_its_beginning()
    {
        var durations = Catalogue.ToDictionary(t => t.TrackId, t => t.Duration);
        var plays = WorkloadGenerator.Generate(Catalogue, 20, Options, seed: 3).SelectMany(c => c.Plays).ToList();

        Assert.All(plays.Where(p => !p.RandomAccess), p => Assert.Equal(TimeSpan.Zero, p.StartAt));
        Assert.All(plays.Where(p => p.RandomAccess), p => Assert.InRange(p.StartAt, TimeSpan.Zero, durations[p.TrackId] * 0.8));
        Assert.Contains(plays, p => p.StartAt > TimeSpan.Zero);
    }

    [Fact]
    public void A_skipped_play_is_heard_for_less_than_the_rest_of_its_track_and_a_full_play_to_its_end()
    {
        var durations = Catalogue.ToDictionary(t => t.TrackId, t => t.Duration);
        var plays = WorkloadGenerator.Generate(Catalogue, 20, Options, seed: 4).SelectMany(c => c.Plays).ToList();

        Assert.Contains(plays, p => p.Skipped);
        Assert.All(plays.Where(p => p.Skipped), p => Assert.True(p.Heard < durations[p.TrackId] - p.StartAt));
        Assert.All(plays.Where(p => !p.Skipped), p => Assert.Equal(durations[p.TrackId] - p.StartAt, p.Heard));
    }

    [Fact]
    public void The_most_popular_track_is_played_more_than_the_least_popular()
    {
        var plays = WorkloadGenerator.Generate(Catalogue, 50, Options, seed: 11).SelectMany(c => c.Plays).ToList();

        int first = plays.Count(p => p.TrackId == Catalogue[0].TrackId);
        int last = plays.Count(p => p.TrackId == Catalogue[^1].TrackId);
        Assert.True(first > 10 * Math.Max(1, last), $"rank 1 played {first} times, rank 40 {last} times");
    }

    [Fact]
    public void Every_client_starts_within_the_start_spread_and_later_sessions_wait_between()
    {
        var workload = WorkloadGenerator.Generate(Catalogue, 20, Options, seed: 8);

        Assert.All(workload, c => Assert.InRange(c.Sessions[0].IdleBefore, TimeSpan.Zero, Options.StartSpread));
        Assert.Contains(workload.SelectMany(c => c.Sessions.Skip(1)), s => s.IdleBefore > TimeSpan.Zero);
    }

    [Fact]
    public void A_listener_who_always_repeats_alternates_between_its_first_two_tracks()
    {
        var workload = WorkloadGenerator.Generate(Catalogue, 10, Options with { RepeatShare = 1 }, seed: 12);

        Assert.All(workload, c => Assert.Equal(2, c.Plays.Select(p => p.TrackId).Distinct().Count()));
    }

    [Fact]
    public void Listeners_who_repeat_hear_fewer_distinct_tracks_than_listeners_who_never_do()
    {
        int Distinct(double repeat) => WorkloadGenerator.Generate(Catalogue, 20, Options with { RepeatShare = repeat }, seed: 13)
            .Sum(c => c.Plays.Select(p => p.TrackId).Distinct().Count());

        Assert.True(Distinct(0.5) < Distinct(0), $"{Distinct(0.5)} distinct tracks with repeats, {Distinct(0)} without");
    }

    [Fact]
    public void A_share_outside_zero_to_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            WorkloadGenerator.Generate(Catalogue, 1, Options with { RandomAccessShare = 1.5 }, seed: 1));
    }

    private static List<string> Flatten(IReadOnlyList<ClientWorkload> workload) =>
        workload.SelectMany(c => c.Sessions.SelectMany(s =>
                s.Plays.Select(p => $"{c.Client} {s.IdleBefore} {p}")))
            .ToList();

    [Fact]
    public void Without_joining_and_leaving_every_client_is_there_for_the_whole_run()
    {
        var workload = WorkloadGenerator.Generate(Catalogue, 50, Options, seed: 5);

        Assert.All(workload, w => Assert.Equal((TimeSpan.Zero, (TimeSpan?)null), (w.JoinAt, w.LeaveAt)));
    }

    [Fact]
    public void Late_joiners_come_in_the_first_half_and_early_leavers_go_in_the_second_half_of_their_time_and_listen_only_while_there()
    {
        var options = WorkloadOptions.Paper(TimeSpan.FromMinutes(20), 1.0);

        var workload = WorkloadGenerator.Generate(Catalogue, 400, options, seed: 5);

        var late = workload.Where(w => w.JoinAt > TimeSpan.Zero).ToList();
        var leaving = workload.Where(w => w.LeaveAt is not null).ToList();
        Assert.InRange(late.Count, 70, 130);    // 25 % of 400
        Assert.InRange(leaving.Count, 70, 130);
        Assert.All(late, w => Assert.InRange(w.JoinAt, TimeSpan.Zero, TimeSpan.FromMinutes(10)));
        Assert.All(leaving, w =>
        {
            var stay = options.ListeningTime - w.JoinAt;
            Assert.InRange(w.LeaveAt!.Value - w.JoinAt, stay / 2 - TimeSpan.FromMilliseconds(1), stay);
            // The last play may run over the leaving time (the client is stopped then), never a whole play more.
            var heard = TimeSpan.FromTicks(w.Plays.Sum(p => p.Heard.Ticks));
            var lastPlay = w.Plays.Last().Heard;
            Assert.True(heard - lastPlay < w.LeaveAt.Value - w.JoinAt, $"client {w.Client} listens {heard} in a stay of {w.LeaveAt - w.JoinAt}");
        });
    }

    [Fact]
    public void Joining_and_leaving_do_not_change_what_the_clients_there_from_start_to_end_listen_to()
    {
        var plain = WorkloadGenerator.Generate(Catalogue, 40, Options, seed: 11);
        var moving = WorkloadGenerator.Generate(Catalogue, 40, Options with { LateJoinShare = 0.25, EarlyLeaveShare = 0.25 }, seed: 11);

        var stayers = moving.Where(w => w.JoinAt == TimeSpan.Zero && w.LeaveAt is null).Select(w => w.Client).ToHashSet();
        Assert.NotEmpty(stayers);
        Assert.Equal(Flatten(plain.Where(w => stayers.Contains(w.Client)).ToList()), Flatten(moving.Where(w => stayers.Contains(w.Client)).ToList()));
    }
}
