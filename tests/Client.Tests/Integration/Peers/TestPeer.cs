using System.Reactive.Concurrency;
using Spotify.Rx.Client.Http;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Wire;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Client.Tests.Integration.Peers;

/// <summary>
/// A peer built from the client's own parts (login at the main server with its own peer id, a
/// <see cref="PeerNode"/> that checks HELLO tokens against the server's JWKS, the tracker client)
/// but serving whatever <see cref="ICachedTracks"/> a test gives it: a slow link, a liar.
/// </summary>
public sealed class TestPeer : IAsyncDisposable
{
    private readonly ServerClient _server;
    private readonly HttpClient _jwks;
    private readonly TrackerClient _tracker;
    private readonly List<string> _registered = new();
    private int _gone;

    private TestPeer(ServerClient server, HttpClient jwks, TrackerClient tracker, PeerNode node)
    {
        _server = server;
        _jwks = jwks;
        _tracker = tracker;
        Node = node;
    }

    public PeerNode Node { get; }
    public string PeerId => Node.PeerId;

    public static async Task<TestPeer> StartAsync(Uri serverUrl, Uri trackerUrl, string peerId, ICachedTracks tracks)
    {
        var server = new ServerClient(serverUrl, "demo", "demo", peerId, Scheduler.Default);
        var token = await server.Auth.TokenAsync();
        var jwks = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var validator = new TokenValidator(new JwksKeySource(jwks, new Uri(serverUrl, "/.well-known/jwks.json"), TimeProvider.System), TimeProvider.System);
        var node = new PeerNode(new PeerNodeOptions
        {
            Token = token,
            TokenSource = ct => new ValueTask<string>(server.Auth.TokenAsync(ct)),
            IdleTimeout = Streams.Rules.IdleDisconnect.Limit / FailureSwarm.Speed,
        }, validator, tracks, Scheduler.Default);
        await node.StartAsync();
        return new TestPeer(server, jwks, new TrackerClient(trackerUrl, server.Auth), node);
    }

    /// <summary>"This peer has the track fully cached", as a client's cache registration says it.</summary>
    public async Task RegisterAsync(string trackId)
    {
        await _tracker.RegisterAsync(trackId, Node.Endpoint.ToString());
        lock (_registered) _registered.Add(trackId);
    }

    /// <summary>
    /// The peer dies: every connection closes at once and the port stops listening. It stays
    /// registered at the tracker, as a crashed client would until its registration lapses.
    /// </summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _gone, 1) != 0) return;
        await Node.DisposeAsync();
        _tracker.Dispose();
        _server.Dispose();
        _jwks.Dispose();
    }

    /// <summary>Leaves in order (unregistered first), so a later test's tracker lookups do not find it; a killed peer stays killed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _gone) != 0) return;
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        string[] tracks;
        lock (_registered) tracks = [.. _registered];
        foreach (var trackId in tracks)
        {
            try { await _tracker.RemoveAsync(trackId, quick.Token); }
            catch (Exception) { break; }
        }
        await KillAsync();
    }
}
