using Spotify.Rx.Wire.Protocol;

namespace Spotify.Rx.Wire;

/// <summary>A chunk could not be had from this peer; the caller asks someone else.</summary>
public abstract class PeerFetchException(string peerId, string trackId, int index, string message)
    : Exception($"chunk {index} of {trackId} from {peerId}: {message}")
{
    public string PeerId { get; } = peerId;
    public string TrackId { get; } = trackId;
    public int Index { get; } = index;
}

/// <summary>The chunk's SHA-256 did not match the manifest; the sender has been dropped.</summary>
public sealed class ChunkCorruptException(string peerId, string trackId, int index, string detail)
    : PeerFetchException(peerId, trackId, index, "hash mismatch, sender dropped: " + detail);

/// <summary>The peer answered MISSING: it does not have the track fully cached, or the index is out of range.</summary>
public sealed class ChunkUnavailableException(string peerId, string trackId, int index)
    : PeerFetchException(peerId, trackId, index, "the peer does not have it");

/// <summary>The connection closed while the chunk was outstanding.</summary>
public sealed class PeerConnectionClosedException(string peerId, string trackId, int index, CloseReason reason)
    : PeerFetchException(peerId, trackId, index, $"connection closed ({reason})")
{
    public CloseReason Reason { get; } = reason;
}

/// <summary>No open connection to that peer.</summary>
public sealed class PeerNotConnectedException(string peerId, string trackId, int index)
    : PeerFetchException(peerId, trackId, index, "not connected");

/// <summary>Five peers are already download sources (docs/ARCHITECTURE.md rule 2).</summary>
public sealed class DownloadSourceLimitException(string peerId, string trackId, int index, string detail)
    : PeerFetchException(peerId, trackId, index, detail);

/// <summary>A connection could not be made: refused here (limit), by the peer (GOODBYE), or the handshake failed.</summary>
public sealed class PeerConnectException(CloseReason reason, string detail)
    : Exception($"connection refused ({reason}): {detail}")
{
    public CloseReason Reason { get; } = reason;
    public string Detail { get; } = detail;
}
