using Spotify.Rx.Swarm.Workload;

namespace Spotify.Rx.Swarm.Tests;

public class PlaylistRunTests
{
    private static Listen Play(string id, bool randomAccess = false, int heard = 60, bool skipped = false) =>
        new(id, randomAccess ? TimeSpan.FromSeconds(10) : TimeSpan.Zero, randomAccess, TimeSpan.FromSeconds(heard), skipped);

    [Fact]
    public void Plays_that_follow_each_other_make_one_playlist_played_to_its_end()
    {
        var session = new ListeningSession(TimeSpan.Zero, [Play("a", randomAccess: true), Play("b"), Play("c")]);

        var run = Assert.Single(PlaylistRun.Split(session));
        Assert.Equal(["a", "b", "c"], run.Plays.Select(p => p.TrackId));
        Assert.Null(run.StopAfter);
    }

    [Fact]
    public void A_random_access_starts_a_new_playlist()
    {
        var session = new ListeningSession(TimeSpan.Zero, [Play("a"), Play("b"), Play("c", randomAccess: true), Play("d")]);

        var runs = PlaylistRun.Split(session);
        Assert.Equal([["a", "b"], ["c", "d"]], runs.Select(r => r.Plays.Select(p => p.TrackId).ToArray()));
    }

    [Fact]
    public void A_skip_ends_the_playlist_after_the_audio_heard_up_to_it()
    {
        var session = new ListeningSession(TimeSpan.Zero, [Play("a", heard: 40), Play("b", heard: 12, skipped: true), Play("c")]);

        var runs = PlaylistRun.Split(session);
        Assert.Equal(2, runs.Count);
        Assert.Equal(["a", "b"], runs[0].Plays.Select(p => p.TrackId));
        Assert.Equal(TimeSpan.FromSeconds(52), runs[0].StopAfter);
        Assert.Equal(["c"], runs[1].Plays.Select(p => p.TrackId));
        Assert.Null(runs[1].StopAfter);
    }

    [Fact]
    public void Every_play_of_a_session_lands_in_exactly_one_playlist_in_order()
    {
        var catalogue = Enumerable.Range(0, 10).Select(i => new CatalogueTrack($"t{i}", TimeSpan.FromSeconds(45))).ToList();
        var workload = WorkloadGenerator.Generate(catalogue, 4, new WorkloadOptions { ListeningTime = TimeSpan.FromMinutes(30) }, seed: 2);

        Assert.All(workload.SelectMany(c => c.Sessions), session =>
            Assert.Equal(session.Plays, PlaylistRun.Split(session).SelectMany(r => r.Plays)));
    }
}
