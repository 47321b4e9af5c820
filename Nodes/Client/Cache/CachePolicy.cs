namespace Spotify.Rx.Client.Cache;

/// <summary>How long a fully downloaded track stays in the client's cache (docs/ARCHITECTURE.md "Cache").</summary>
public enum CachePolicy
{
    /// <summary>The seed's policy, the default: an entry lasts 30 s from when it entered.</summary>
    Expire30s,

    /// <summary>Spotify's own: entries stay until space is needed, the least recently used leaving first.</summary>
    Lru,
}
