using Spotify.Rx.Client;
using System.Collections.Concurrent;
using System.Net;
using System.Reactive.Linq;
using Spotify.Rx.Swarm.Report;
using Spotify.Rx.Swarm.Running;
using Spotify.Rx.Swarm.Workload;

namespace Spotify.Rx.Swarm.Tests;

public class SessionPlayerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Records what the runner asks of a client. A playlist "plays" until the runner leaves it
    /// (a skip cancels it) or, for runs without a skip, ends at once.
    /// </summary>
    private sealed class RecordingClient : ISwarmClient
    {
        public ConcurrentQueue<(IReadOnlyList<PlaylistEntry> Playlist, bool Left)> Played { get; } = new();
        public Func<IReadOnlyList<PlaylistEntry>, bool> HoldsUntilLeft { get; init; } = _ => false;

        public string PeerId => "recording";
        public IPEndPoint Endpoint { get; } = new(IPAddress.Loopback, 1);
        public PeerStatus Status => PeerStatus.Idle("recording");
        public IObservable<PlayReport> Plays => Observable.Never<PlayReport>();
        public void AddNeighbour(IPEndPoint peer) { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public async Task PlayAsync(IReadOnlyList<PlaylistEntry> playlist, CancellationToken ct)
        {
            if (!HoldsUntilLeft(playlist))
            {
                Played.Enqueue((playlist, false));
                return;
            }
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                Played.Enqueue((playlist, true));
                throw;
            }
        }
    }

    private static Listen Play(string id, bool randomAccess = false, bool skipped = false) =>
        new(id, randomAccess ? TimeSpan.FromSeconds(12) : TimeSpan.Zero, randomAccess, TimeSpan.FromSeconds(30), skipped);

    [Fact]
    public async Task Each_playlist_run_is_handed_to_the_client_in_order_with_its_start_positions()
    {
        var client = new RecordingClient();
        var workload = new ClientWorkload(0, [
            new ListeningSession(TimeSpan.FromSeconds(5), [Play("a"), Play("b"), Play("c", randomAccess: true)]),
            new ListeningSession(TimeSpan.FromSeconds(20), [Play("d")]),
        ]);

        await new SessionPlayer(client, speed: 10_000, TimeProvider.System).PlayAsync(workload, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(
            ["a@0 b@0", "c@12", "d@0"],
            client.Played.Select(p => string.Join(" ", p.Playlist.Select(e => $"{e.TrackId}@{e.StartAt.TotalSeconds}"))));
    }

    [Fact]
    public async Task A_skip_leaves_the_playlist_and_the_next_run_still_plays()
    {
        var client = new RecordingClient { HoldsUntilLeft = playlist => playlist[^1].TrackId == "b" };
        var workload = new ClientWorkload(0, [new ListeningSession(TimeSpan.Zero, [Play("a"), Play("b", skipped: true), Play("c")])]);

        await new SessionPlayer(client, speed: 10_000, TimeProvider.System).PlayAsync(workload, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal([("a b", true), ("c", false)], client.Played.Select(p => (string.Join(" ", p.Playlist.Select(e => e.TrackId)), p.Left)));
    }

    [Fact]
    public async Task The_end_of_the_run_stops_the_listener_mid_playlist()
    {
        var client = new RecordingClient { HoldsUntilLeft = _ => true };
        var workload = new ClientWorkload(0, [new ListeningSession(TimeSpan.Zero, [Play("a"), Play("b")])]);
        using var end = new CancellationTokenSource();

        var listening = new SessionPlayer(client, speed: 1, TimeProvider.System).PlayAsync(workload, end.Token);
        end.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listening.WaitAsync(Bound));
        Assert.Single(client.Played);
    }
}
