using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Protocol.Messages;
using Spotify.Rx.Wire.Tests.Support;

namespace Spotify.Rx.Wire.Tests.Overlay;

/// <summary>A HELLO is who its token says; a token whose peer id is outside the character set says no one.</summary>
public class PeerIdInHelloTests
{
    [Theory]
    [InlineData("x\n")]
    [InlineData("demo.x\n")]
    [InlineData("a.b.c")]
    public async Task A_token_for_a_malformed_peer_id_is_refused_at_hello(string peerId)
    {
        await using var swarm = new TestSwarm();
        var node = await swarm.StartAsync("demo.node");
        var refused = node.NextClose(CloseReason.Unauthenticated);

        await using var stranger = await RawPeer.ConnectAsync(node.Endpoint);
        await stranger.SendAsync(new Hello(Hello.CurrentVersion, swarm.Token(peerId), 0));

        var goodbye = await stranger.ReadUntilGoodbyeAsync();
        Assert.Equal(CloseReason.Unauthenticated, goodbye!.Reason);
        Assert.Equal("token has no valid peer id", (await refused).Detail);
        Assert.Equal(0, node.Connections.Open);
    }
}
