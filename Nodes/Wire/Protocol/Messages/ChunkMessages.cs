namespace Spotify.Rx.Wire.Protocol.Messages;

/// <summary>Ask for chunk <see cref="Index"/> (16 KiB) of a fully cached track.</summary>
public sealed record Request(string TrackId, int Index) : IWireMessage
{
    public MessageType Type => MessageType.Request;
    public int PayloadLength => ChunkKey.Length(TrackId);
    public void WritePayload(Span<byte> destination) => ChunkKey.Write(destination, TrackId, Index);

    public static Request? Decode(ReadOnlySpan<byte> payload) =>
        ChunkKey.TryRead(payload, out var track, out var index, out var rest) && rest.IsEmpty ? new Request(track, index) : null;
}

/// <summary>Withdraw a REQUEST; a chunk already on its way may still arrive and is dropped.</summary>
public sealed record Cancel(string TrackId, int Index) : IWireMessage
{
    public MessageType Type => MessageType.Cancel;
    public int PayloadLength => ChunkKey.Length(TrackId);
    public void WritePayload(Span<byte> destination) => ChunkKey.Write(destination, TrackId, Index);

    public static Cancel? Decode(ReadOnlySpan<byte> payload) =>
        ChunkKey.TryRead(payload, out var track, out var index, out var rest) && rest.IsEmpty ? new Cancel(track, index) : null;
}

/// <summary>The uploader does not have that chunk (track not fully cached, or index past its end).</summary>
public sealed record Missing(string TrackId, int Index) : IWireMessage
{
    public MessageType Type => MessageType.Missing;
    public int PayloadLength => ChunkKey.Length(TrackId);
    public void WritePayload(Span<byte> destination) => ChunkKey.Write(destination, TrackId, Index);

    public static Missing? Decode(ReadOnlySpan<byte> payload) =>
        ChunkKey.TryRead(payload, out var track, out var index, out var rest) && rest.IsEmpty ? new Missing(track, index) : null;
}

/// <summary>
/// All upload slots are taken: the REQUEST waits in the uploader's queue at
/// <see cref="QueuePosition"/> (1 = next) and is served first come, first served.
/// </summary>
public sealed record Busy(string TrackId, int Index, ushort QueuePosition) : IWireMessage
{
    public MessageType Type => MessageType.Busy;
    public int PayloadLength => ChunkKey.Length(TrackId) + 2;

    public void WritePayload(Span<byte> destination)
    {
        ChunkKey.Write(destination, TrackId, Index);
        var w = new WireWriter(destination[ChunkKey.Length(TrackId)..]);
        w.UInt16(QueuePosition);
    }

    public static Busy? Decode(ReadOnlySpan<byte> payload)
    {
        if (!ChunkKey.TryRead(payload, out var track, out var index, out var rest)) return null;
        var r = new WireReader(rest);
        return r.TryUInt16(out var position) && r.AtEnd ? new Busy(track, index, position) : null;
    }
}

/// <summary>The bytes of one chunk. The receiver checks them against the manifest's SHA-256.</summary>
public sealed record Chunk(string TrackId, int Index, ReadOnlyMemory<byte> Data) : IWireMessage
{
    public MessageType Type => MessageType.Chunk;
    public int PayloadLength => ChunkKey.Length(TrackId) + Data.Length;

    public void WritePayload(Span<byte> destination)
    {
        ChunkKey.Write(destination, TrackId, Index);
        Data.Span.CopyTo(destination[ChunkKey.Length(TrackId)..]);
    }

    public static Chunk? Decode(ReadOnlySpan<byte> payload)
    {
        if (!ChunkKey.TryRead(payload, out var track, out var index, out var data) || data.Length > FieldLimits.ChunkData) return null;
        // The frame's bytes belong to the pipe and are reused: the chunk gets its own copy, in an array
        // not zeroed first (the copy fills all of it; 1,600 chunks a second zeroed for nothing at 500 clients).
        var copy = GC.AllocateUninitializedArray<byte>(data.Length);
        data.CopyTo(copy);
        return new Chunk(track, index, copy);
    }
}

/// <summary>The (track, index) pair that starts every chunk message.</summary>
internal static class ChunkKey
{
    public static int Length(string trackId) => WireWriter.StringLength(trackId) + 4;

    public static void Write(Span<byte> destination, string trackId, int index)
    {
        var w = new WireWriter(destination);
        w.String(trackId);
        w.UInt32((uint)index);
    }

    public static bool TryRead(ReadOnlySpan<byte> payload, out string trackId, out int index, out ReadOnlySpan<byte> rest)
    {
        var r = new WireReader(payload);
        index = 0;
        rest = default;
        if (!r.TryString(FieldLimits.TrackId, out trackId) || !FieldLimits.IsTrackId(trackId) || !r.TryIndex(out index)) return false;
        rest = r.Rest;
        return true;
    }
}
