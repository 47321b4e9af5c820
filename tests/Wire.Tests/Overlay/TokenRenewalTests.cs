using Microsoft.Extensions.Time.Testing;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Tests.Support;

namespace Spotify.Rx.Wire.Tests.Overlay;

/// <summary>
/// A client outlives its first token: the login renews it, and every HELLO sent after that, dialing
/// or answering, must carry the renewed one.
/// </summary>
public sealed class TokenRenewalTests : IAsyncDisposable
{
    private static readonly TimeSpan Life = TimeSpan.FromHours(1);

    // Issuer and validators share one clock the test moves, so expiry needs no waiting.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly TestSwarm _swarm;

    public TokenRenewalTests() => _swarm = new TestSwarm(_clock);

    public ValueTask DisposeAsync() => _swarm.DisposeAsync();

    [Fact]
    public async Task After_its_token_expires_a_node_whose_login_renewed_it_is_accepted_dialing_and_answering()
    {
        var current = _swarm.Token("renewing", Life);
        var renewing = await _swarm.StartAsync(new PeerNodeOptions { Token = current, TokenSource = _ => ValueTask.FromResult(current) });
        var dialed = await _swarm.StartAsync(new PeerNodeOptions { Token = _swarm.Token("dialed", 3 * Life) });
        var dialer = await _swarm.StartAsync(new PeerNodeOptions { Token = _swarm.Token("dialer", 3 * Life) });

        _clock.Advance(Life + TimeSpan.FromMinutes(1));
        current = _swarm.Token("renewing", Life);

        Assert.Equal("dialed", await renewing.ConnectAsync(dialed.Endpoint).WaitAsync(TestSwarm.Patience));
        Assert.Equal("renewing", await dialer.ConnectAsync(renewing.Endpoint).WaitAsync(TestSwarm.Patience));
        Assert.True(dialed.IsConnected("renewing"));
        Assert.True(dialer.IsConnected("renewing"));
    }

    [Fact]
    public async Task An_expired_hello_token_is_refused_unauthenticated_both_when_dialing_and_when_answering()
    {
        var held = _swarm.Token("stale", Life);
        var stale = await _swarm.StartAsync(new PeerNodeOptions { Token = held, TokenSource = _ => ValueTask.FromResult(held) });
        var dialed = await _swarm.StartAsync(new PeerNodeOptions { Token = _swarm.Token("dialed", 3 * Life) });
        var dialer = await _swarm.StartAsync(new PeerNodeOptions { Token = _swarm.Token("dialer", 3 * Life) });
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
        var own = _swarm.Token("honest", Life);
        var other = _swarm.Token("someone-else", Life);
        var confused = await _swarm.StartAsync(new PeerNodeOptions { Token = own, TokenSource = _ => ValueTask.FromResult(other) });
        var dialed = await _swarm.StartAsync(new PeerNodeOptions { Token = _swarm.Token("dialed", Life) });

        var refused = await Assert.ThrowsAsync<PeerConnectException>(() => confused.ConnectAsync(dialed.Endpoint).WaitAsync(TestSwarm.Patience));

        Assert.Equal(CloseReason.Unauthenticated, refused.Reason);
        Assert.Contains("someone-else", refused.Detail);
        Assert.False(dialed.IsConnected("someone-else"));
    }
}
