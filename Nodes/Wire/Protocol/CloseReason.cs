namespace Spotify.Rx.Wire.Protocol;

/// <summary>
/// Why a peer connection ended. Values travel in GOODBYE, so they never change meaning;
/// docs/WIRE.md lists them.
/// </summary>
public enum CloseReason : byte
{
    /// <summary>This node closed it on purpose (shutdown or an explicit disconnect).</summary>
    LocalShutdown = 0,
    /// <summary>The other side ended the TCP stream between frames.</summary>
    RemoteClosed = 1,
    /// <summary>The other side said GOODBYE with a reason of its own.</summary>
    RemoteGoodbye = 2,
    /// <summary>60 connections were already open (docs/ARCHITECTURE.md "Limits").</summary>
    ConnectionLimit = 3,
    /// <summary>HELLO carried no valid token, or a peer id that may not connect (self).</summary>
    Unauthenticated = 4,
    UnsupportedVersion = 5,
    /// <summary>A connection with that peer already exists: one connection per pair.</summary>
    DuplicateConnection = 6,
    /// <summary>A frame other than HELLO arrived before the handshake finished.</summary>
    ExpectedHello = 7,
    /// <summary>A second HELLO on an open connection.</summary>
    UnexpectedHello = 8,
    /// <summary>A length prefix over <see cref="FrameCodec.MaxFrameLength"/>, or zero.</summary>
    FrameTooLarge = 9,
    /// <summary>The stream ended in the middle of a frame.</summary>
    TruncatedFrame = 10,
    UnknownMessageType = 11,
    /// <summary>The frame's payload does not parse as its type says.</summary>
    MalformedMessage = 12,
    /// <summary>A CHUNK this node never asked for.</summary>
    UnsolicitedChunk = 13,
    /// <summary>A CHUNK whose SHA-256 differs from the manifest: the sender is dropped.</summary>
    CorruptChunk = 14,
    /// <summary>The other side stopped reading: a write could not drain in time.</summary>
    SlowReader = 15,
    /// <summary>No byte either way for the idle limit (rule 6, 30 s).</summary>
    Idle = 16,
    /// <summary>More queued REQUESTs than a node keeps for one peer.</summary>
    TooManyRequests = 17,
    /// <summary>No HELLO within the handshake time.</summary>
    HandshakeTimeout = 18,
    /// <summary>The socket failed underneath.</summary>
    SocketError = 19,
}
