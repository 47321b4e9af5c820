namespace Spotify.Rx.Wire.Protocol.Messages;

/// <summary>
/// "Who has this track fully cached?" The origin sends it with one hop left; a neighbour passes
/// it on with none left and names the origin in <see cref="ReturnVia"/>, so answers find their
/// way back without anyone remembering the search.
/// </summary>
public sealed record Search(uint SearchId, string TrackId, byte HopsLeft, string ReturnVia) : IWireMessage
{
    public MessageType Type => MessageType.Search;
    public int PayloadLength => 4 + WireWriter.StringLength(TrackId) + 1 + WireWriter.StringLength(ReturnVia);

    public void WritePayload(Span<byte> destination)
    {
        var w = new WireWriter(destination);
        w.UInt32(SearchId);
        w.String(TrackId);
        w.Byte(HopsLeft);
        w.String(ReturnVia);
    }

    public static Search? Decode(ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(payload);
        if (!r.TryUInt32(out var id) || !r.TryString(FieldLimits.TrackId, out var track) || !FieldLimits.IsTrackId(track)) return null;
        if (!r.TryByte(out var hops) || hops > FieldLimits.MaxHopsLeft) return null;
        if (!r.TryString(FieldLimits.PeerId, out var via) || !r.AtEnd) return null;
        // The origin sends with a hop left and no return path; a forwarded search has both the other way round.
        if (hops == FieldLimits.MaxHopsLeft ? via.Length != 0 : !FieldLimits.IsPeerId(via)) return null;
        return new Search(id, track, hops, via);
    }
}
