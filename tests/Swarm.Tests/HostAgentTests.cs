using System.Net;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using System.Text;
using System.Threading.Channels;
using Spotify.Rx.Client;
using Spotify.Rx.Swarm.Hosts;
using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Tests;

/// <summary>
/// A host of a <c>--hosts</c> run and the coordinator's end of it, joined by their line protocol in
/// memory (the processes and namespaces are <c>tests/Hosts.Tests</c>'): a client on a host is started,
/// linked, played, skipped and stopped like one in the coordinator's process.
/// </summary>
public sealed class HostAgentTests : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly Uri Server = new("http://10.0.0.10:5080/"), Tracker = new("http://10.0.0.11:7070/");

    private readonly Channel<string> _commands = Channel.CreateUnbounded<string>();
    private readonly Dictionary<int, FakeClient> _fakes = [];
    private readonly RemoteHost _remote;
    private readonly Task _agent;
    private readonly List<string> _events = [];

    public HostAgentTests()
    {
        _remote = new RemoteHost("h1", line => _commands.Writer.TryWrite(line));
        var agent = new HostAgent("10.0.0.21", (launch, _) =>
        {
            if (launch.PeerId == "broken") throw new InvalidOperationException("login refused");
            var fake = new FakeClient("demo." + launch.PeerId, 40_000 + launch.Index);
            lock (_fakes) _fakes[launch.Index] = fake;
            return Task.FromResult<ISwarmClient>(fake);
        });
        _agent = agent.RunAsync(new ChannelLines(_commands.Reader), new LineWriter(line =>
        {
            lock (_events) _events.Add(line);
            _remote.OnLine(line);
        }), CancellationToken.None);
    }

    private static ClientLaunch Launch(int index, string? peerId = null) =>
        new(index, peerId ?? $"peer-{index:000}", Server, Tracker, CacheChoice.Lru, 8);

    private FakeClient Fake(int index)
    {
        lock (_fakes) return _fakes[index];
    }

    [Fact]
    public async Task A_client_on_a_host_is_started_at_the_hosts_address_linked_and_played_with_its_status_before_each_play_report()
    {
        var client = await _remote.StartClientAsync(Launch(3), CancellationToken.None).WaitAsync(Bound);
        Assert.Equal("demo.peer-003", client.PeerId);
        Assert.Equal(IPEndPoint.Parse("10.0.0.21:40003"), client.Endpoint);

        client.AddNeighbour(IPEndPoint.Parse("10.0.0.22:40004"));
        var fake = Fake(3);
        Assert.Equal(IPEndPoint.Parse("10.0.0.22:40004"), await fake.Neighbours.FirstAsync().ToTask().WaitAsync(Bound));

        // The status the coordinator holds when a play report arrives already counts that play's bytes.
        var statusAtPlay = client.Plays.Select(_ => client.Status).FirstAsync().ToTask();
        var playing = client.PlayAsync([new PlaylistEntry("t1", TimeSpan.Zero), new PlaylistEntry("t2", TimeSpan.FromSeconds(30))], CancellationToken.None);
        var playlist = await fake.Playlists.FirstAsync().ToTask().WaitAsync(Bound);
        Assert.Equal(["t1", "t2"], playlist.Select(e => e.TrackId));
        Assert.Equal(TimeSpan.FromSeconds(30), playlist[1].StartAt);

        fake.Finish(serverBytes: 1234);
        await playing.WaitAsync(Bound);
        Assert.Equal(1234, (await statusAtPlay.WaitAsync(Bound)).ServerBytes);
    }

    [Fact]
    public async Task A_skip_cancels_the_play_on_the_host_and_ends_the_call_as_cancelled()
    {
        var client = await _remote.StartClientAsync(Launch(1), CancellationToken.None).WaitAsync(Bound);
        using var skip = new CancellationTokenSource();
        var playing = client.PlayAsync([new PlaylistEntry("t1", TimeSpan.Zero)], skip.Token);
        await Fake(1).Playlists.FirstAsync().ToTask().WaitAsync(Bound);

        skip.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => playing.WaitAsync(Bound));
        Assert.True(await Fake(1).Cancelled.Task.WaitAsync(Bound), "the host's play was not cancelled");
    }

    [Fact]
    public async Task A_client_that_cannot_start_and_a_failing_play_are_errors_with_the_reason()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => _remote.StartClientAsync(Launch(7, "broken"), CancellationToken.None).WaitAsync(Bound));
        Assert.Contains("login refused", refused.Message);

        var client = await _remote.StartClientAsync(Launch(2), CancellationToken.None).WaitAsync(Bound);
        var playing = client.PlayAsync([new PlaylistEntry("t1", TimeSpan.Zero)], CancellationToken.None);
        await Fake(2).Playlists.FirstAsync().ToTask().WaitAsync(Bound);
        Fake(2).Fail(new IOException("manifest not found"));
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => playing.WaitAsync(Bound));
        Assert.Contains("manifest not found", failed.Message);
    }

    [Fact]
    public async Task When_the_host_process_is_gone_its_clients_calls_fail_with_its_last_words()
    {
        var client = await _remote.StartClientAsync(Launch(4), CancellationToken.None).WaitAsync(Bound);
        var playsEnd = client.Plays.Materialize().LastAsync().ToTask();
        var playing = client.PlayAsync([new PlaylistEntry("t1", TimeSpan.Zero)], CancellationToken.None);
        await Fake(4).Playlists.FirstAsync().ToTask().WaitAsync(Bound);

        _remote.Gone("h1 exited with code 137");
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => playing.WaitAsync(Bound));
        Assert.Contains("exited with code 137", failed.Message);
        Assert.Contains("exited with code 137", (await playsEnd.WaitAsync(Bound)).Exception?.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _remote.StartClientAsync(Launch(5), CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task Stopping_a_client_disposes_it_on_the_host_and_the_end_of_input_stops_the_rest()
    {
        var first = await _remote.StartClientAsync(Launch(0), CancellationToken.None).WaitAsync(Bound);
        await _remote.StartClientAsync(Launch(1), CancellationToken.None).WaitAsync(Bound);

        await first.DisposeAsync().AsTask().WaitAsync(Bound);
        Assert.True(Fake(0).Disposed);
        Assert.False(Fake(1).Disposed);

        _commands.Writer.Complete();
        await _agent.WaitAsync(Bound);
        Assert.True(Fake(1).Disposed);
    }

    [Fact]
    public async Task A_line_that_is_not_a_command_is_answered_with_a_failure_and_the_host_goes_on()
    {
        _commands.Writer.TryWrite("{\"op\":\"dance\"");
        _commands.Writer.TryWrite("hello");
        var client = await _remote.StartClientAsync(Launch(6), CancellationToken.None).WaitAsync(Bound);
        Assert.Equal("demo.peer-006", client.PeerId);
        lock (_events) Assert.Equal(2, _events.Count(e => e.Contains("\"kind\":\"failed\"") && e.Contains("not a command")));
    }

    public async ValueTask DisposeAsync()
    {
        _commands.Writer.TryComplete();
        await _agent.WaitAsync(Bound);
    }

    /// <summary>A client that plays what it is told until the test says how the play ends.</summary>
    private sealed class FakeClient(string peerId, int port) : ISwarmClient
    {
        private readonly BehaviorSubject<PeerStatus> _status = new(PeerStatus.Idle(peerId));
        private readonly Subject<PlayReport> _plays = new();
        private readonly ReplaySubject<IReadOnlyList<PlaylistEntry>> _playlists = new();
        private readonly ReplaySubject<IPEndPoint> _neighbours = new();
        private TaskCompletionSource _play = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string PeerId => peerId;
        public IPEndPoint Endpoint { get; } = new(IPAddress.IPv6Any, port);
        public PeerStatus Status => _status.Value;
        public IObservable<PlayReport> Plays => _plays;
        public IObservable<IReadOnlyList<PlaylistEntry>> Playlists => _playlists;
        public IObservable<IPEndPoint> Neighbours => _neighbours;
        public TaskCompletionSource<bool> Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Disposed { get; private set; }

        public async Task PlayAsync(IReadOnlyList<PlaylistEntry> playlist, CancellationToken ct)
        {
            _play = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _playlists.OnNext(playlist);
            try
            {
                await _play.Task.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Cancelled.TrySetResult(true);
                throw;
            }
        }

        public void Finish(long serverBytes)
        {
            _status.OnNext(_status.Value with { ServerBytes = serverBytes });
            _plays.OnNext(new PlayReport(peerId, "t1", TimeSpan.Zero, TimeSpan.FromMilliseconds(5), 0, 0, serverBytes, 0, 0, false));
            _play.TrySetResult();
        }

        public void Fail(Exception e) => _play.TrySetException(e);

        public void AddNeighbour(IPEndPoint peer) => _neighbours.OnNext(peer);

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Standard input as the host reads it: one command per line.</summary>
    private sealed class ChannelLines(ChannelReader<string> lines) : TextReader
    {
        public override async ValueTask<string?> ReadLineAsync(CancellationToken ct) =>
            await lines.WaitToReadAsync(ct) && lines.TryRead(out var line) ? line : null;
    }

    /// <summary>Standard output as the coordinator reads it: each line handed on as it is written.</summary>
    private sealed class LineWriter(Action<string> onLine) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
        public override void WriteLine(string? value) => onLine(value ?? "");
        public override Task WriteLineAsync(string? value)
        {
            onLine(value ?? "");
            return Task.CompletedTask;
        }
        public override Task FlushAsync() => Task.CompletedTask;
    }
}
