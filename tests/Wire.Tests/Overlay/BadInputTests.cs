using System.Buffers.Binary;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Protocol.Messages;
using Spotify.Rx.Wire.Tests.Support;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Wire.Tests.Overlay;

/// <summary>
/// Each bad input closes that one connection with its typed reason; the node and its other
/// connections go on (a neighbour still fetches a chunk afterwards).
/// </summary>
public class BadInputTests
{
    public enum Misbehaviour
    {
        TruncatedFrame,
        AbsurdLength,
        UnknownType,
        MalformedPayload,
        RequestBeforeHello,
        SecondHello,
        ForeignToken,
        ImpersonatesTheNode,
        WrongVersion,
        DuplicatePeer,
        UnsolicitedChunk,
        StopsReading,
        SaysNothing,
        FloodsRequests,
    }

    [Theory]
    [InlineData(Misbehaviour.TruncatedFrame, CloseReason.TruncatedFrame)]
    [InlineData(Misbehaviour.AbsurdLength, CloseReason.FrameTooLarge)]
    [InlineData(Misbehaviour.UnknownType, CloseReason.UnknownMessageType)]
    [InlineData(Misbehaviour.MalformedPayload, CloseReason.MalformedMessage)]
    [InlineData(Misbehaviour.RequestBeforeHello, CloseReason.ExpectedHello)]
    [InlineData(Misbehaviour.SecondHello, CloseReason.UnexpectedHello)]
    [InlineData(Misbehaviour.ForeignToken, CloseReason.Unauthenticated)]
    [InlineData(Misbehaviour.ImpersonatesTheNode, CloseReason.Unauthenticated)]
    [InlineData(Misbehaviour.WrongVersion, CloseReason.UnsupportedVersion)]
    [InlineData(Misbehaviour.DuplicatePeer, CloseReason.DuplicateConnection)]
    [InlineData(Misbehaviour.UnsolicitedChunk, CloseReason.UnsolicitedChunk)]
    [InlineData(Misbehaviour.StopsReading, CloseReason.SlowReader)]
    [InlineData(Misbehaviour.SaysNothing, CloseReason.HandshakeTimeout)]
    [InlineData(Misbehaviour.FloodsRequests, CloseReason.TooManyRequests)]
    public async Task Bad_input_closes_only_that_connection_with_a_typed_reason(Misbehaviour misbehaviour, CloseReason expected)
    {
        await using var swarm = new TestSwarm();
        var (small, smallBytes) = RandomTracks.Make("small", 40_000, seed: 2);
        var (big, bigBytes) = RandomTracks.Make("big", 16 * 1024 * 1024, seed: 3);
        var (held, heldBytes) = RandomTracks.Make("held-back", 64 * 1024, seed: 4);
        var tracks = new MemoryTracks();
        tracks.Add(small, smallBytes);
        tracks.Add(big, bigBytes);
        tracks.Add(held, heldBytes);
        var victim = await swarm.StartAsync("victim", new GatedTracks(tracks, onlyTrack: "held-back"), o => o with
        {
            WriteStallTimeout = TimeSpan.FromMilliseconds(500),
            HandshakeTimeout = TimeSpan.FromSeconds(2),
            MaxQueuedRequests = 1100,
        });
        var bystander = await swarm.StartAsync("bystander");
        await bystander.ConnectToAsync(victim);
        var closed = victim.NextClose(c => c.PeerId != "bystander");

        await using var stranger = await Misbehave(misbehaviour, swarm, victim);
        var close = await closed;

        Assert.Equal(expected, close.Reason);
        Assert.NotEmpty(close.Detail);
        var chunk = await bystander.FetchChunkAsync("victim", small, 1).WaitAsync(TestSwarm.Patience);
        Assert.Equal(smallBytes.AsSpan(16 * 1024, 16 * 1024).ToArray(), chunk.ToArray());
        Assert.True(victim.IsConnected("bystander"));
    }

    [Theory]
    [InlineData(Misbehaviour.AbsurdLength, CloseReason.FrameTooLarge)]
    [InlineData(Misbehaviour.ForeignToken, CloseReason.Unauthenticated)]
    [InlineData(Misbehaviour.UnsolicitedChunk, CloseReason.UnsolicitedChunk)]
    public async Task The_stranger_hears_the_reason_in_a_goodbye_before_the_close(Misbehaviour misbehaviour, CloseReason expected)
    {
        await using var swarm = new TestSwarm();
        var victim = await swarm.StartAsync("victim");

        await using var stranger = await Misbehave(misbehaviour, swarm, victim);
        var goodbye = await stranger.ReadUntilGoodbyeAsync();

        Assert.Equal(expected, goodbye?.Reason);
        Assert.Null(await stranger.ReadAsync());
    }

    private static async Task<RawPeer> Misbehave(Misbehaviour misbehaviour, TestSwarm swarm, PeerNode victim)
    {
        var endpoint = victim.Endpoint;
        var token = swarm.Token("stranger");
        switch (misbehaviour)
        {
            case Misbehaviour.TruncatedFrame:
            {
                var peer = await RawPeer.HandshakeAsync(endpoint, token);
                await peer.SendAsync(FrameCodec.Encode(new Request("small", 1))[..7]);
                peer.StopSending();
                return peer;
            }
            case Misbehaviour.AbsurdLength:
            {
                var peer = await RawPeer.HandshakeAsync(endpoint, token);
                var header = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(header, 0x7fff_fff0);
                await peer.SendAsync(header);
                return peer;
            }
            case Misbehaviour.UnknownType:
            {
                var peer = await RawPeer.HandshakeAsync(endpoint, token);
                await peer.SendAsync([0, 0, 0, 3, 0xee, 1, 2]);
                return peer;
            }
            case Misbehaviour.MalformedPayload:
            {
                var peer = await RawPeer.HandshakeAsync(endpoint, token);
                await peer.SendAsync([0, 0, 0, 4, (byte)MessageType.Request, 0, 40, 1]);
                return peer;
            }
            case Misbehaviour.RequestBeforeHello:
            {
                var peer = await RawPeer.ConnectAsync(endpoint);
                await peer.SendAsync(new Request("small", 0));
                return peer;
            }
            case Misbehaviour.SecondHello:
            {
                var peer = await RawPeer.HandshakeAsync(endpoint, token);
                await peer.SendAsync(new Hello(Hello.CurrentVersion, token, 0));
                return peer;
            }
            case Misbehaviour.ForeignToken:
            {
                var peer = await RawPeer.ConnectAsync(endpoint);
                await peer.SendAsync(new Hello(Hello.CurrentVersion, TestSwarm.ForeignToken("stranger"), 0));
                return peer;
            }
            case Misbehaviour.ImpersonatesTheNode:
            {
                var peer = await RawPeer.ConnectAsync(endpoint);
                await peer.SendAsync(new Hello(Hello.CurrentVersion, swarm.Token("victim"), 0));
                return peer;
            }
            case Misbehaviour.WrongVersion:
            {
                var peer = await RawPeer.ConnectAsync(endpoint);
                await peer.SendAsync([0, 0, 0, 2, (byte)MessageType.Hello, 99]);
                return peer;
            }
            case Misbehaviour.DuplicatePeer:
            {
                var first = await RawPeer.HandshakeAsync(endpoint, token);
                var second = await RawPeer.ConnectAsync(endpoint);
                await second.SendAsync(new Hello(Hello.CurrentVersion, token, 0));
                await second.ReadUntilGoodbyeAsync();
                await first.DisposeAsync();
                return second;
            }
            case Misbehaviour.UnsolicitedChunk:
            {
                var peer = await RawPeer.HandshakeAsync(endpoint, token);
                await peer.SendAsync(new Chunk("small", 0, new byte[16 * 1024]));
                return peer;
            }
            case Misbehaviour.StopsReading:
            {
                // Asks for 16 MB and never reads a byte: the node's writes back up until it gives up.
                var peer = await RawPeer.HandshakeAsync(endpoint, token, receiveBuffer: 4096);
                var requests = Enumerable.Range(0, 1024).SelectMany(i => FrameCodec.Encode(new Request("big", i))).ToArray();
                await peer.SendAsync(requests);
                return peer;
            }
            case Misbehaviour.SaysNothing:
                return await RawPeer.ConnectAsync(endpoint);
            case Misbehaviour.FloodsRequests:
            {
                // The held-back track is never read, so every request stays queued.
                var peer = await RawPeer.HandshakeAsync(endpoint, token);
                var requests = Enumerable.Range(0, 1200).SelectMany(i => FrameCodec.Encode(new Request("held-back", i % 4))).ToArray();
                await peer.SendAsync(requests);
                return peer;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(misbehaviour));
        }
    }
}
