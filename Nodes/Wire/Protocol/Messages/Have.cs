using System.Net;

namespace Spotify.Rx.Wire.Protocol.Messages;

/// <summary>
/// The answer to a SEARCH from a peer that has the track fully cached: its peer id and the
/// endpoint it listens on. With a <see cref="ReturnVia"/> it goes to the neighbour that
/// forwarded the search, which hands it on to that origin with an empty one.
/// </summary>
public sealed record Have(uint SearchId, string TrackId, string PeerId, IPEndPoint Endpoint, byte Hops, string ReturnVia) : IWireMessage
{
    public MessageType Type => MessageType.Have;

    public int PayloadLength => 4 + WireWriter.StringLength(TrackId) + WireWriter.StringLength(PeerId)
        + 1 + (Endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 16 : 4) + 2
        + 1 + WireWriter.StringLength(ReturnVia);

    public void WritePayload(Span<byte> destination)
    {
        var w = new WireWriter(destination);
        w.UInt32(SearchId);
        w.String(TrackId);
        w.String(PeerId);
        w.ShortBytes(Endpoint.Address.GetAddressBytes());
        w.UInt16((ushort)Endpoint.Port);
        w.Byte(Hops);
        w.String(ReturnVia);
    }

    public static Have? Decode(ReadOnlySpan<byte> payload)
    {
        var r = new WireReader(payload);
        if (!r.TryUInt32(out var id) || !r.TryString(FieldLimits.TrackId, out var track) || !FieldLimits.IsTrackId(track)) return null;
        if (!r.TryString(FieldLimits.PeerId, out var peer) || !FieldLimits.IsPeerId(peer)) return null;
        if (!r.TryShortBytes(16, out var address) || address.Length is not (4 or 16)) return null;
        var ip = new IPAddress(address);
        if (!r.TryUInt16(out var port) || port == 0) return null;
        if (!r.TryByte(out var hops) || hops is < 1 or > 2) return null;
        if (!r.TryString(FieldLimits.PeerId, out var via) || (via.Length != 0 && !FieldLimits.IsPeerId(via)) || !r.AtEnd) return null;
        return new Have(id, track, peer, new IPEndPoint(ip, port), hops, via);
    }
}
