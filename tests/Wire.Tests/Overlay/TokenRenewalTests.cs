using Microsoft.Extensions.Time.Testing;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Tests.Support;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Wire.Tests.Overlay;

/// <summary>
/// A client outlives its first token: the login renews it, and every HELLO sent after that, dialing
/// or answering, must carry the renewed one (issue 7, "an expired token → renewed without stopping playback").
/// </summary>
public sealed class TokenRenewalTests : IAsyncDisposable
{
    private static readonly TimeSpan Life = TimeSpan.FromHours(1);

    // Issuer and validators share one clock the test moves, so expiry needs no waiting.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly TokenIssuer _issuer;
    private readonly TokenValidator _validator;
    private readonly List<PeerNode> _nodes = [];

    public TokenRenewalTests()
    {
        _issuer = new TokenIssuer(SigningKey.CreateEphemeral(), _clock);
        _validator = new TokenValidator(new StaticKeySource(_issuer.Key), _clock);
    }

    [Fact]
    public async Task After_its_token_expires_a_node_whose_login_renewed_it_is_accepted_dialing_and_answering()
    {
        var current = _issuer.Issue("demo", "renewing", Life);
        var renewing = await StartAsync(new PeerNodeOptions { Token = current, TokenSource = _ => ValueTask.FromResult(current) });
        var dialed = await StartAsync(new PeerNodeOptions { Token = _issuer.Issue("demo", "dialed", 3 * Life) });
        var dialer = await StartAsync(new PeerNodeOptions { Token = _issuer.Issue("demo", "dialer", 3 * Life) });

        _clock.Advance(Life + TimeSpan.FromMinutes(1));
        current = _issuer.Issue("demo", "renewing", Life);

        Assert.Equal("dialed", await renewing.ConnectAsync(dialed.Endpoint).WaitAsync(TestSwarm.Patience));
        Assert.Equal("renewing", await dialer.ConnectAsync(renewing.Endpoint).WaitAsync(TestSwarm.Patience));
        Assert.True(dialed.IsConnected("renewing"));
        Assert.True(dialer.IsConnected("renewing"));
    }

    [Fact]
    public async Task An_expired_hello_token_is_refused_unauthenticated_both_when_dialing_and_when_answering()
    {
        var held = _issuer.Issue("demo", "stale", Life);
        var stale = await StartAsync(new PeerNodeOptions { Token = held, TokenSource = _ => ValueTask.FromResult(held) });
        var dialed = await StartAsync(new PeerNodeOptions { Token = _issuer.Issue("demo", "dialed", 3 * Life) });
        var dialer = await StartAsync(new PeerNodeOptions { Token = _issuer.Issue("demo", "dialer", 3 * Life) });
        var dialedRefuses = dialed.Closed.FirstAsync().ToTask();
        var dialerRefuses = dialer.Closed.FirstAsync().ToTask();

        _clock.Advance(Life + TimeSpan.FromMinutes(1));

        var outbound = await Assert.ThrowsAsync<PeerConnectException>(() => stale.ConnectAsync(dialed.Endpoint).WaitAsync(TestSwarm.Patience));
        var inbound = await Assert.ThrowsAsync<PeerConnectException>(() => dialer.ConnectAsync(stale.Endpoint).WaitAsync(TestSwarm.Patience));
        Assert.Equal(CloseReason.Unauthenticated, outbound.Reason);
        Assert.Contains("expired", outbound.Detail);
        Assert.Equal(CloseReason.Unauthenticated, inbound.Reason);
        var refusals = await Task.WhenAll(dialedRefuses, dialerRefuses).WaitAsync(TestSwarm.Patience);
        Assert.All(refusals, r => Assert.Equal(CloseReason.Unauthenticated, r.Reason));
        Assert.All(refusals, r => Assert.Equal("token expired", r.Detail));
        Assert.False(dialed.IsConnected("stale"));
        Assert.False(dialer.IsConnected("stale"));
    }

    [Fact]
    public async Task A_token_source_that_hands_over_another_peers_token_opens_no_connection()
    {
        var own = _issuer.Issue("demo", "honest", Life);
        var other = _issuer.Issue("demo", "someone-else", Life);
        var confused = await StartAsync(new PeerNodeOptions { Token = own, TokenSource = _ => ValueTask.FromResult(other) });
        var dialed = await StartAsync(new PeerNodeOptions { Token = _issuer.Issue("demo", "dialed", Life) });

        var refused = await Assert.ThrowsAsync<PeerConnectException>(() => confused.ConnectAsync(dialed.Endpoint).WaitAsync(TestSwarm.Patience));

        Assert.Equal(CloseReason.Unauthenticated, refused.Reason);
        Assert.Contains("someone-else", refused.Detail);
        Assert.False(dialed.IsConnected("someone-else"));
    }

    private async Task<PeerNode> StartAsync(PeerNodeOptions options)
    {
        var node = new PeerNode(options, _validator, new MemoryTracks(), Scheduler.Default);
        await node.StartAsync();
        _nodes.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask())).WaitAsync(TestSwarm.Patience);
    }
}
