using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Wire.Tracks;

/// <summary>
/// The tracks this client may serve to the overlay: only fully cached ones (docs/ARCHITECTURE.md "Cache":
/// entering the cache makes a track servable, leaving it withdraws it).
/// </summary>
public interface ICachedTracks
{
    /// <summary>True when the whole track is cached, so SEARCH gets a HAVE and REQUESTs are served.</summary>
    bool Has(string trackId);

    TrackManifest? Manifest(string trackId);

    /// <summary>The bytes of chunk <paramref name="index"/>; only asked for tracks <see cref="Has"/> accepts, in range.</summary>
    ValueTask<ReadOnlyMemory<byte>> ReadChunkAsync(string trackId, int index, CancellationToken ct);
}
