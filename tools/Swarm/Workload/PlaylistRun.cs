namespace Spotify.Rx.Swarm.Workload;

/// <summary>
/// Plays the client gets as one playlist (one <c>PlayAsync</c>), so it can prefetch each next
/// track (rule 7). A run starts at every random access and after every skip, because neither can
/// be foreseen; <see cref="StopAfter"/> is the audio time after which the listener leaves the
/// run's last play, or null when the run plays to its end.
/// </summary>
public sealed record PlaylistRun(IReadOnlyList<Listen> Plays, TimeSpan? StopAfter)
{
    public static IReadOnlyList<PlaylistRun> Split(ListeningSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var runs = new List<PlaylistRun>();
        var current = new List<Listen>();
        var heard = TimeSpan.Zero;
        foreach (var play in session.Plays)
        {
            if (play.RandomAccess && current.Count > 0)
            {
                runs.Add(new PlaylistRun(current, null));
                current = [];
                heard = TimeSpan.Zero;
            }
            current.Add(play);
            heard += play.Heard;
            if (play.Skipped)
            {
                runs.Add(new PlaylistRun(current, heard));
                current = [];
                heard = TimeSpan.Zero;
            }
        }
        if (current.Count > 0) runs.Add(new PlaylistRun(current, null));
        return runs;
    }
}
