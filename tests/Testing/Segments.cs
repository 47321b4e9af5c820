using System.Buffers;

namespace Spotify.Rx.Testing;

/// <summary>Bytes as a pipe may hand them over: in several segments, cut anywhere.</summary>
public static class Segments
{
    /// <summary>The bytes in pieces of <paramref name="size"/> (the last one shorter).</summary>
    public static ReadOnlySequence<byte> Every(byte[] bytes, int size) =>
        Split(bytes, Enumerable.Range(1, Math.Max(0, (bytes.Length - 1) / size)).Select(i => i * size));

    public static ReadOnlySequence<byte> Split(byte[] bytes, IEnumerable<int> cuts)
    {
        var points = cuts.Select(c => Math.Abs(c % (bytes.Length + 1))).Append(0).Append(bytes.Length).Distinct().Order().ToList();
        if (points.Count <= 2) return new ReadOnlySequence<byte>(bytes);
        Segment? first = null, last = null;
        for (var i = 0; i + 1 < points.Count; i++)
        {
            var piece = bytes.AsMemory(points[i], points[i + 1] - points[i]);
            if (first is null) first = last = new Segment(piece, 0);
            else last = last!.Append(piece);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
