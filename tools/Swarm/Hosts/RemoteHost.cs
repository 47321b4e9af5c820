using System.Collections.Concurrent;
using System.Net;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Spotify.Rx.Client;
using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Hosts;

/// <summary>
/// The coordinator's end of one host process: it sends the host <see cref="HostCommand"/>s and turns
/// the host's <see cref="HostEvent"/>s back into clients the swarm drives like its own
/// (<see cref="ISwarmClient"/>). When the host process dies, every one of its clients fails with the
/// host's last lines.
/// </summary>
public sealed class RemoteHost : IDisposable
{
    private readonly Action<string> _send;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<HostEvent>> _starting = new();
    private readonly ConcurrentDictionary<int, RemoteClient> _clients = new();
    private readonly object _sending = new();
    private string? _gone;

    /// <param name="send">Writes one line to the host's standard input.</param>
    public RemoteHost(string name, Action<string> send)
    {
        Name = name;
        _send = send;
    }

    public string Name { get; }

    /// <summary>Starts a client on this host; its endpoint is the host's address, as the other hosts dial it.</summary>
    public async Task<ISwarmClient> StartClientAsync(ClientLaunch launch, CancellationToken ct)
    {
        var started = new TaskCompletionSource<HostEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        _starting[launch.Index] = started;
        Send(HostCommand.Start(launch));
        HostEvent answer;
        try
        {
            answer = await started.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _starting.TryRemove(launch.Index, out _);
        }
        if (answer.Kind != HostEventKind.Started || answer.Endpoint is null || !IPEndPoint.TryParse(answer.Endpoint, out var endpoint))
            throw new InvalidOperationException($"{launch.PeerId} did not start on {Name}: {answer.Error ?? "no endpoint"}");
        // The node's own id (account.device), which its statuses and plays carry.
        var client = new RemoteClient(this, launch.Index, answer.PeerId ?? launch.PeerId, endpoint);
        _clients[launch.Index] = client;
        return client;
    }

    /// <summary>One line of the host's output.</summary>
    public void OnLine(string line)
    {
        if (HostJson.Event(line) is not { } e) return;
        if (_starting.TryGetValue(e.Client, out var starting) && e.Kind is HostEventKind.Started or HostEventKind.Failed)
        {
            starting.TrySetResult(e);
            return;
        }
        if (_clients.TryGetValue(e.Client, out var client)) client.On(e);
    }

    /// <summary>The host process ended: whatever waits on it fails with <paramref name="why"/>.</summary>
    public void Gone(string why)
    {
        _gone = why;
        foreach (var starting in _starting.Values) starting.TrySetException(new InvalidOperationException(why));
        foreach (var client in _clients.Values) client.Gone(why);
    }

    private void Send(HostCommand command)
    {
        if (_gone is { } why) throw new InvalidOperationException(why);
        // One line at a time: commands come from many listeners' tasks.
        lock (_sending) _send(HostJson.Line(command));
    }

    private void Forget(int index) => _clients.TryRemove(index, out _);

    public void Dispose()
    {
        Gone($"{Name} is closed");
    }

    /// <summary>A client on a host process, driven over its commands.</summary>
    private sealed class RemoteClient(RemoteHost host, int index, string peerId, IPEndPoint endpoint) : ISwarmClient
    {
        private volatile PeerStatus _status = PeerStatus.Idle(peerId);
        private readonly Subject<PlayReport> _plays = new();
        private readonly ConcurrentDictionary<int, TaskCompletionSource<HostEvent>> _calls = new();
        private readonly TaskCompletionSource<HostEvent> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _nextCall;

        public string PeerId => peerId;
        public IPEndPoint Endpoint => endpoint;
        public PeerStatus Status => _status;
        public IObservable<PlayReport> Plays => _plays.AsObservable();

        public async Task PlayAsync(IReadOnlyList<PlaylistEntry> playlist, CancellationToken ct)
        {
            int call = Interlocked.Increment(ref _nextCall);
            var done = new TaskCompletionSource<HostEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _calls[call] = done;
            try
            {
                host.Send(HostCommand.Play(index, call, playlist));
                // A skip or the run's end: the host cancels the call, and its answer ends this one.
                using var cancel = ct.Register(() =>
                {
                    try { host.Send(HostCommand.Cancel(index, call)); }
                    catch (InvalidOperationException) { done.TrySetCanceled(ct); }
                });
                var answer = await done.Task.ConfigureAwait(false);
                if (answer.Error == HostEvent.Cancelled) throw new OperationCanceledException(ct);
                if (answer.Error is { } error) throw new InvalidOperationException($"{peerId} on {host.Name}: {error}");
            }
            finally
            {
                _calls.TryRemove(call, out _);
            }
        }

        public void AddNeighbour(IPEndPoint peer) => host.Send(HostCommand.Neighbour(index, peer.ToString()));

        public void On(HostEvent e)
        {
            switch (e.Kind)
            {
                case HostEventKind.Status when e.Status is { } status:
                    _status = status;
                    break;
                case HostEventKind.Played when e.Play is { } play:
                    _plays.OnNext(play);
                    break;
                case HostEventKind.Done:
                case HostEventKind.Failed when e.Call != 0:
                    if (_calls.TryGetValue(e.Call, out var call)) call.TrySetResult(e);
                    break;
                case HostEventKind.Stopped:
                    _stopped.TrySetResult(e);
                    break;
                case HostEventKind.Failed:
                    _plays.OnError(new InvalidOperationException($"{peerId} on {host.Name}: {e.Error}"));
                    break;
            }
        }

        public void Gone(string why)
        {
            var error = new InvalidOperationException(why);
            foreach (var call in _calls.Values) call.TrySetException(error);
            _stopped.TrySetResult(new HostEvent(HostEventKind.Stopped, index, Error: why));
            _plays.OnError(error);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                host.Send(HostCommand.Stop(index));
            }
            catch (InvalidOperationException)
            {
                // The host is gone, and its clients with it.
            }
            var stopped = await _stopped.Task.ConfigureAwait(false);
            host.Forget(index);
            _plays.OnCompleted();
            if (stopped.Error is { } error && host._gone is null) throw new InvalidOperationException($"{peerId} on {host.Name}: {error}");
        }
    }
}
