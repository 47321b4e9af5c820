using Spotify.Rx.Testing;
using System.Buffers;
using System.Buffers.Binary;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Protocol.Messages;

namespace Spotify.Rx.Wire.Tests.Protocol;

public class FrameCodecTests
{
    public static TheoryData<int> EveryMessage() => [.. Enumerable.Range(0, Samples.Messages.Count)];

    [Theory]
    [MemberData(nameof(EveryMessage))]
    public void Every_message_decodes_to_what_was_encoded(int sample)
    {
        var message = Samples.Messages[sample];
        var buffer = new ReadOnlySequence<byte>(FrameCodec.Encode(message));

        var decoded = FrameCodec.TryDecode(ref buffer);

        Assert.Equal(DecodeStatus.Decoded, decoded.Status);
        AssertSame(message, decoded.Message!);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void A_chunk_frame_split_across_segments_decodes_whole()
    {
        var chunk = (Chunk)Samples.Messages.OfType<Chunk>().Single();
        var buffer = Segments.Split(FrameCodec.Encode(chunk), [2, 7, 100, 9000]);

        var decoded = FrameCodec.TryDecode(ref buffer);

        Assert.Equal(DecodeStatus.Decoded, decoded.Status);
        AssertSame(chunk, decoded.Message!);
    }

    [Fact]
    public void Part_of_a_frame_asks_for_more_and_consumes_nothing()
    {
        var bytes = FrameCodec.Encode(new Request("track-42", 3));
        var buffer = new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 1);

        var decoded = FrameCodec.TryDecode(ref buffer);

        Assert.Equal(DecodeStatus.NeedMoreData, decoded.Status);
        Assert.Equal(bytes.Length - 1, buffer.Length);
    }

    [Fact]
    public void An_absurd_length_is_refused_before_its_body_arrives()
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x7fff_ffff);
        var buffer = new ReadOnlySequence<byte>(header);

        var decoded = FrameCodec.TryDecode(ref buffer);

        Assert.Equal(CloseReason.FrameTooLarge, decoded.Reason);
        Assert.Equal(DecodeStatus.Invalid, decoded.Status);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 0 }, CloseReason.MalformedMessage)]
    [InlineData(new byte[] { 0, 0, 0, 1, 0xee }, CloseReason.UnknownMessageType)]
    [InlineData(new byte[] { 0, 0, 0, 1, 0x00 }, CloseReason.UnknownMessageType)]
    [InlineData(new byte[] { 0, 0, 0, 3, 0x04, 0, 9 }, CloseReason.MalformedMessage)]
    [InlineData(new byte[] { 0, 0, 0, 7, 0x04, 0, 1, (byte)'A', 0, 0, 0 }, CloseReason.MalformedMessage)]
    [InlineData(new byte[] { 0, 0, 0, 3, 0x09, 200, 0 }, CloseReason.MalformedMessage)]
    public void Bad_frames_give_their_typed_reason(byte[] bytes, CloseReason expected)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);

        var decoded = FrameCodec.TryDecode(ref buffer);

        Assert.Equal(DecodeStatus.Invalid, decoded.Status);
        Assert.Equal(expected, decoded.Reason);
    }

    [Fact]
    public void A_search_with_more_than_two_hops_is_malformed()
    {
        var bytes = FrameCodec.Encode(new Search(1, "track-42", 1, ""));
        bytes[4 + 1 + 4 + 2 + "track-42".Length] = 5;
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Equal(CloseReason.MalformedMessage, FrameCodec.TryDecode(ref buffer).Reason);
    }

    [Fact]
    public void A_track_id_that_could_be_a_path_is_malformed()
    {
        var bytes = FrameCodec.Encode(new Request("a/../b", 1));
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Equal(CloseReason.MalformedMessage, FrameCodec.TryDecode(ref buffer).Reason);
    }

    internal static void AssertSame(IWireMessage expected, IWireMessage actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        if (expected is Chunk c)
        {
            var a = (Chunk)actual;
            Assert.Equal((c.TrackId, c.Index), (a.TrackId, a.Index));
            Assert.True(c.Data.Span.SequenceEqual(a.Data.Span));
        }
        else
        {
            Assert.Equal(expected, actual);
        }
    }
}
