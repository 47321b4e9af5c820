using System.Net;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Wire.Tests.Support;

/// <summary>Peer nodes on 127.0.0.1 sharing one main-server key, torn down together.</summary>
public sealed class TestSwarm : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly TokenIssuer _issuer;
    private readonly List<PeerNode> _nodes = [];
    private readonly IScheduler _scheduler;

    /// <param name="clock">The clock of the issuer and of every node's validator; a test moves it to expire tokens.</param>
    /// <param name="scheduler">Every node's scheduler (its timers: idle limit, handshake, grace); the default is real time.</param>
    public TestSwarm(TimeProvider? clock = null, IScheduler? scheduler = null)
    {
        _scheduler = scheduler ?? Scheduler.Default;
        var time = clock ?? TimeProvider.System;
        _issuer = new TokenIssuer(SigningKey.CreateEphemeral(), time);
        Validator = new TokenValidator(new StaticKeySource(_issuer.Key), time);
    }

    public TokenValidator Validator { get; }

    public string Token(string peerId) => Token(peerId, TimeSpan.FromHours(1));

    public string Token(string peerId, TimeSpan life) => _issuer.Issue("user-" + peerId, peerId, life);

    /// <summary>A token signed by a key the swarm does not trust.</summary>
    public static string ForeignToken(string peerId) =>
        new TokenIssuer(SigningKey.CreateEphemeral(), TimeProvider.System).Issue("mallory", peerId, TimeSpan.FromHours(1));

    public Task<PeerNode> StartAsync(string peerId, ICachedTracks? tracks = null, Func<PeerNodeOptions, PeerNodeOptions>? tune = null)
    {
        var options = new PeerNodeOptions { Token = Token(peerId) };
        return StartAsync(tune?.Invoke(options) ?? options, tracks);
    }

    public async Task<PeerNode> StartAsync(PeerNodeOptions options, ICachedTracks? tracks = null)
    {
        var node = new PeerNode(options, Validator, tracks ?? new MemoryTracks(), _scheduler);
        await node.StartAsync();
        lock (_nodes) _nodes.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        List<PeerNode> nodes;
        lock (_nodes) nodes = [.. _nodes];
        await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask())).WaitAsync(Patience);
    }
}

public static class NodeExpectations
{
    /// <summary>Starts listening now for the first close matching <paramref name="match"/>; await the task after acting.</summary>
    public static Task<ConnectionClosed> NextClose(this PeerNode node, Func<ConnectionClosed, bool>? match = null) =>
        node.Closed.FirstAsync(c => match?.Invoke(c) ?? true).ToTask().WaitAsync(TestSwarm.Patience);

    public static Task<ConnectionClosed> NextClose(this PeerNode node, CloseReason reason) =>
        node.NextClose(c => c.Reason == reason);

    public static Task<string> ConnectToAsync(this PeerNode node, PeerNode other) =>
        node.ConnectAsync(other.Endpoint).WaitAsync(TestSwarm.Patience);

    public static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);
}
