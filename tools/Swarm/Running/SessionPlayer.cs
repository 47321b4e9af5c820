using Spotify.Rx.Swarm.Workload;

namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// Plays one client's workload: waits out each pause between sessions, hands each playlist run to
/// the client, and leaves a run at its skip. Audio time is divided by the speed factor to get the
/// wall time the listener waits.
/// </summary>
public sealed class SessionPlayer(ISwarmClient client, double speed, TimeProvider time)
{
    public async Task PlayAsync(ClientWorkload workload, CancellationToken ct)
    {
        foreach (var session in workload.Sessions)
        {
            await Task.Delay(Wall(session.IdleBefore), time, ct).ConfigureAwait(false);
            foreach (var run in PlaylistRun.Split(session))
            {
                ct.ThrowIfCancellationRequested();
                var playlist = run.Plays.Select(p => new PlaylistEntry(p.TrackId, p.StartAt)).ToList();
                using var skip = CancellationTokenSource.CreateLinkedTokenSource(ct);
                if (run.StopAfter is { } stop) skip.CancelAfter(Wall(stop));
                try
                {
                    await client.PlayAsync(playlist, skip.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // The listener skipped: the run ends here and the next one starts.
                }
            }
        }
    }

    private TimeSpan Wall(TimeSpan audio) => TimeSpan.FromTicks((long)(audio.Ticks / speed));
}
