namespace Spotify.Rx.Client.Cache;

public enum CacheChangeKind
{
    Added,
    Removed,
}

/// <summary>A track entered or left the cache: the node registers or unregisters it with the tracker and the overlay.</summary>
public sealed record CacheChange(CacheChangeKind Kind, string TrackId, long Bytes);
