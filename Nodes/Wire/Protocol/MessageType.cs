namespace Spotify.Rx.Wire.Protocol;

/// <summary>The type byte of each frame (docs/WIRE.md, the frame table).</summary>
public enum MessageType : byte
{
    Hello = 0x01,
    Search = 0x02,
    Have = 0x03,
    Request = 0x04,
    Chunk = 0x05,
    Cancel = 0x06,
    Busy = 0x07,
    Missing = 0x08,
    Goodbye = 0x09,
}

/// <summary>One wire message: knows its type, its payload size and how to write its payload.</summary>
public interface IWireMessage
{
    MessageType Type { get; }
    int PayloadLength { get; }
    void WritePayload(Span<byte> destination);
}

/// <summary>Limits on fields, shared by encoders and decoders so nothing encodes what cannot decode.</summary>
public static class FieldLimits
{
    public const int Token = 8 * 1024;
    public const int TrackId = 64;
    public const int PeerId = 64;
    public const int Detail = 512;
    public const int ChunkData = 64 * 1024 - 256;
    /// <summary>Two hops in all (docs/ARCHITECTURE.md rule 1): a search arrives with at most one more hop to go.</summary>
    public const byte MaxHopsLeft = 1;

    public static bool IsTrackId(string id) => Playback.Tracks.TrackLibrary.IsValidId(id);
    public static bool IsPeerId(string id) => Common.Auth.TokenClaims.IsValidPeerId(id);
}
