namespace Spotify.Rx.Streams.Scheduling;

/// <summary>
/// One decision of the <see cref="ChunkScheduler"/>: chunk <see cref="Chunk"/> is asked of
/// <see cref="Peer"/>, or of the main server when <see cref="Peer"/> is null.
/// <see cref="Retry"/> says the chunk was already asked of a peer that holds it up.
/// </summary>
public readonly record struct ChunkAssignment(int Chunk, string? Peer, bool Retry = false)
{
    public bool ToServer => Peer is null;

    public static ChunkAssignment Server(int chunk, bool retry = false) => new(chunk, null, retry);

    public override string ToString() => $"{Chunk}->{Peer ?? "server"}{(Retry ? " (retry)" : "")}";
}
