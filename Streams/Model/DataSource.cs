namespace Spotify.Rx.Streams;

/// <summary>Where the bytes of a track come from (the paper's three sources).</summary>
public enum DataSource
{
    Server,
    Peers,
    Cache,
}
