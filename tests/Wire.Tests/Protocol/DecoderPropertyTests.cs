using Spotify.Rx.Testing;
using System.Buffers;
using System.Diagnostics;
using FsCheck;
using FsCheck.Xunit;
using Spotify.Rx.Wire.Protocol;

namespace Spotify.Rx.Wire.Tests.Protocol;

/// <summary>
/// Whatever bytes a stranger sends, the decoder ends cleanly: frames, then either the end of the
/// input (possibly mid-frame, which a connection reports as truncated) or one typed error.
/// Never an exception, never a loop that does not move.
/// </summary>
public class DecoderPropertyTests
{
    private static readonly CloseReason[] DecoderReasons =
        [CloseReason.FrameTooLarge, CloseReason.UnknownMessageType, CloseReason.MalformedMessage];

    [Property(MaxTest = 2000)]
    public void Random_bytes_end_in_frames_and_a_clean_stop_or_a_typed_error(byte[] bytes, int[] cuts)
    {
        AssertEndsCleanly(bytes, cuts ?? []);
    }

    [Property(MaxTest = 2000)]
    public void Mutated_valid_frames_end_in_frames_and_a_clean_stop_or_a_typed_error(int[] pick, int[] flips, int cut, int[] cuts)
    {
        var messages = (pick ?? []).Select(p => Samples.Messages[Math.Abs(p % Samples.Messages.Count)]).DefaultIfEmpty(Samples.Messages[0]);
        var bytes = messages.SelectMany(FrameCodec.Encode).ToArray();
        foreach (var flip in flips ?? [])
            bytes[Math.Abs(flip % bytes.Length)] ^= (byte)((flip >> 8) | 1);
        var kept = bytes[..Math.Abs(cut % (bytes.Length + 1))];

        AssertEndsCleanly(kept, cuts ?? []);
    }

    [Property(MaxTest = 300)]
    public void Valid_frames_in_any_segmentation_all_decode(int[] pick, int[] cuts)
    {
        var messages = (pick ?? []).Select(p => Samples.Messages[Math.Abs(p % Samples.Messages.Count)]).ToList();
        var bytes = messages.SelectMany(FrameCodec.Encode).ToArray();

        var (decoded, end, rest) = DecodeAll(Segments.Split(bytes, cuts ?? []));

        Assert.Equal(DecodeStatus.NeedMoreData, end.Status);
        Assert.Equal(0, rest);
        Assert.Equal(messages.Count, decoded.Count);
        for (var i = 0; i < messages.Count; i++) FrameCodecTests.AssertSame(messages[i], decoded[i]);
    }

    private static void AssertEndsCleanly(byte[] bytes, int[] cuts)
    {
        var watch = Stopwatch.StartNew();
        var (_, end, rest) = DecodeAll(Segments.Split(bytes, cuts));

        if (end.Status == DecodeStatus.Invalid) Assert.Contains(end.Reason, DecoderReasons);
        else Assert.True(rest < FrameCodec.HeaderLength + FrameCodec.MaxFrameLength);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"decoding {bytes.Length} bytes took {watch.Elapsed}");
    }

    private static (List<IWireMessage> Decoded, DecodeResult End, long Left) DecodeAll(ReadOnlySequence<byte> buffer)
    {
        var decoded = new List<IWireMessage>();
        while (true)
        {
            var before = buffer.Length;
            var result = FrameCodec.TryDecode(ref buffer);
            if (result.Status != DecodeStatus.Decoded) return (decoded, result, buffer.Length);
            // Every decoded frame takes at least its header and type byte: the loop always moves.
            Assert.True(before - buffer.Length >= FrameCodec.HeaderLength + 1);
            decoded.Add(result.Message!);
        }
    }
}
