namespace Spotify.Rx.Swarm.Workload;

/// <summary>
/// One play the listener asks for: a track from a position, heard for <see cref="Heard"/> of
/// audio time. <see cref="RandomAccess"/> marks a jump the client could not foresee (the paper's
/// random access); otherwise the play follows the previous one in the playlist.
/// <see cref="Skipped"/> says the listener moves on before the track ends.
/// </summary>
public sealed record Listen(string TrackId, TimeSpan StartAt, bool RandomAccess, TimeSpan Heard, bool Skipped);

/// <summary>A listening session: a pause, then plays back to back.</summary>
public sealed record ListeningSession(TimeSpan IdleBefore, IReadOnlyList<Listen> Plays);

/// <summary>
/// Everything one client of the swarm will listen to, in order: it joins the swarm at
/// <see cref="JoinAt"/> and, when <see cref="LeaveAt"/> is set, leaves it then (audio time since the
/// run started), whatever it is playing.
/// </summary>
public sealed record ClientWorkload(int Client, IReadOnlyList<ListeningSession> Sessions, TimeSpan JoinAt = default, TimeSpan? LeaveAt = null)
{
    public IEnumerable<Listen> Plays => Sessions.SelectMany(s => s.Plays);
}
