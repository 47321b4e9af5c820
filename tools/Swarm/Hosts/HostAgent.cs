using System.Collections.Concurrent;
using System.Net;
using System.Reactive.Linq;
using System.Threading.Channels;
using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Hosts;

/// <summary>
/// The clients of one host of a <c>--hosts</c> run, in the host's own process: it starts, links, plays
/// and stops them as the coordinator's commands say (<see cref="HostCommand"/> lines on standard input)
/// and reports what they do (<see cref="HostEvent"/> lines on standard output). The end of its input
/// is the end of the run: every client is stopped and the host exits.
/// </summary>
public sealed class HostAgent
{
    /// <summary>How often every client's status, read then, goes to the coordinator (its live view refreshes at 4 Hz).</summary>
    private static readonly TimeSpan StatusEvery = TimeSpan.FromMilliseconds(250);

    private readonly string _address;
    private readonly Func<ClientLaunch, CancellationToken, Task<ISwarmClient>> _start;
    private readonly Channel<string> _out = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<int, Hosted> _clients = new();
    private readonly ConcurrentDictionary<int, Task> _starting = new();

    private sealed class Hosted(ISwarmClient client, IDisposable reports)
    {
        public ISwarmClient Client { get; } = client;
        public IDisposable Reports { get; } = reports;
        public ConcurrentDictionary<int, CancellationTokenSource> Calls { get; } = new();
    }

    /// <param name="address">This host's address on the LAN: what the other hosts dial its clients at.</param>
    public HostAgent(string address, Func<ClientLaunch, CancellationToken, Task<ISwarmClient>> start)
    {
        _address = address;
        _start = start;
    }

    /// <summary>Runs until <paramref name="input"/> ends (or <paramref name="ct"/> is cancelled), then stops every client.</summary>
    public async Task RunAsync(TextReader input, TextWriter output, CancellationToken ct)
    {
        var writing = WriteAsync(output);
        using var statuses = new Timer(_ => SendStatuses(), null, StatusEvery, StatusEvery);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var calls = new List<Task>();
        try
        {
            while (await input.ReadLineAsync(stopping.Token).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0) continue;
                var command = HostJson.Command(line, out var error);
                if (command is null)
                {
                    Send(new HostEvent(HostEventKind.Failed, -1, Error: $"not a command: {error}"));
                    continue;
                }
                calls.Add(HandleAsync(command, stopping.Token));
                calls.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        await Task.WhenAll(_starting.Values).ConfigureAwait(false);
        await Task.WhenAll(_clients.Keys.ToList().Select(StopAsync)).ConfigureAwait(false);
        stopping.Cancel();
        await Task.WhenAll(calls).ConfigureAwait(false);
        _out.Writer.TryComplete();
        await writing.ConfigureAwait(false);
    }

    private async Task HandleAsync(HostCommand command, CancellationToken ct)
    {
        try
        {
            switch (command.Op)
            {
                case HostOp.Start when command.Launch is { } launch:
                    var starting = StartAsync(launch, ct);
                    _starting[launch.Index] = starting;
                    await starting.ConfigureAwait(false);
                    _starting.TryRemove(launch.Index, out _);
                    break;
                case HostOp.Neighbour when command.Endpoint is { } endpoint && IPEndPoint.TryParse(endpoint, out var peer):
                    Find(command.Client)?.Client.AddNeighbour(peer);
                    break;
                case HostOp.Play when command.Playlist is { } playlist:
                    await PlayAsync(command.Client, command.Call, playlist, ct).ConfigureAwait(false);
                    break;
                case HostOp.Cancel:
                    if (Find(command.Client)?.Calls.TryGetValue(command.Call, out var call) == true) call.Cancel();
                    break;
                case HostOp.Stop:
                    await StopAsync(command.Client).ConfigureAwait(false);
                    break;
                default:
                    Send(new HostEvent(HostEventKind.Failed, command.Client, command.Call, Error: $"incomplete {command.Op} command"));
                    break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Send(new HostEvent(HostEventKind.Failed, command.Client, command.Call, Error: $"{e.GetType().Name}: {e.Message}"));
        }
    }

    private Hosted? Find(int client) => _clients.GetValueOrDefault(client);

    private async Task StartAsync(ClientLaunch launch, CancellationToken ct)
    {
        ISwarmClient client;
        try
        {
            client = await _start(launch, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Send(new HostEvent(HostEventKind.Failed, launch.Index, Error: $"{e.GetType().Name}: {e.Message}"));
            return;
        }
        int index = launch.Index;
        // A play's report goes after a status taken at that moment, so the coordinator's counters hold its bytes.
        var reports = client.Plays.Subscribe(p =>
        {
            SendStatus(index, client);
            Send(new HostEvent(HostEventKind.Played, index, Play: p));
        }, _ => { });
        _clients[index] = new Hosted(client, reports);
        Send(new HostEvent(HostEventKind.Started, index, PeerId: client.PeerId, Endpoint: $"{_address}:{client.Endpoint.Port}"));
    }

    private void SendStatus(int index, ISwarmClient client) => Send(new HostEvent(HostEventKind.Status, index, Status: client.Status));

    private void SendStatuses()
    {
        foreach (var (index, hosted) in _clients)
        {
            // On a timer's thread: a client that cannot say how it is (it is stopping) is left out of
            // this round rather than taking the host down; its stop sends the last status.
            try { SendStatus(index, hosted.Client); }
            catch (Exception) { }
        }
    }

    private async Task PlayAsync(int index, int call, IReadOnlyList<PlaylistEntry> playlist, CancellationToken ct)
    {
        if (Find(index) is not { } hosted)
        {
            Send(new HostEvent(HostEventKind.Done, index, call, Error: "no such client on this host"));
            return;
        }
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        hosted.Calls[call] = cancel;
        string? error = null;
        try
        {
            await hosted.Client.PlayAsync(playlist, cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            error = HostEvent.Cancelled;
        }
        catch (Exception e)
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            hosted.Calls.TryRemove(call, out _);
        }
        Send(new HostEvent(HostEventKind.Done, index, call, Error: error));
    }

    private async Task StopAsync(int index)
    {
        if (!_clients.TryRemove(index, out var hosted))
        {
            Send(new HostEvent(HostEventKind.Stopped, index));
            return;
        }
        foreach (var call in hosted.Calls.Values) call.Cancel();
        SendStatus(index, hosted.Client);
        hosted.Reports.Dispose();
        string? error = null;
        try
        {
            await hosted.Client.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }
        Send(new HostEvent(HostEventKind.Stopped, index, Error: error));
    }

    private void Send(HostEvent e) => _out.Writer.TryWrite(HostJson.Line(e));

    /// <summary>One writer, so lines never interleave; a flush once the queue is empty, not per line.</summary>
    private async Task WriteAsync(TextWriter output)
    {
        while (await _out.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_out.Reader.TryRead(out var line)) await output.WriteLineAsync(line).ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);
        }
    }
}
