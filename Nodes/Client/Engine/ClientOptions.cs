using Spotify.Rx.Client.Cache;
using Spotify.Rx.Streams;

namespace Spotify.Rx.Client;

/// <summary>How one client runs: where the server and tracker are, who it is, its cache and its player.</summary>
public sealed record ClientOptions
{
    public required Uri ServerUrl { get; init; }
    public required Uri TrackerUrl { get; init; }
    public string User { get; init; } = "demo";
    public string Password { get; init; } = "demo";
    /// <summary>The client's identity in the overlay and at the tracker; must be unique per running client.</summary>
    public string PeerId { get; init; } = "peer-" + Guid.NewGuid().ToString("N")[..12];
    /// <summary>
    /// Where the overlay listens: every interface, IPv4 and IPv6, unless given (127.0.0.1 keeps a
    /// client to its own host).
    /// </summary>
    public System.Net.IPAddress ListenAddress { get; init; } = System.Net.IPAddress.IPv6Any;
    /// <summary>The overlay's listening port; 0 picks a free one.</summary>
    public int ListenPort { get; init; }
    /// <summary>
    /// <c>host:port</c> other peers should dial (a port mapping, one of several interfaces): registered at
    /// the tracker and named in HAVE. <c>null</c>: the tracker records the address it sees the client at,
    /// with the listening port, and peers likewise.
    /// </summary>
    public string? AdvertisedEndpoint { get; init; }
    public CachePolicy Cache { get; init; } = CachePolicy.Expire30s;
    public long CacheBytes { get; init; } = TrackCache.DefaultCapacity;
    /// <summary>
    /// A folder that keeps the <see cref="CachePolicy.Lru"/> cache across restarts (see <see cref="DiskCache"/>);
    /// <c>null</c>: in memory only. The seed's 30 s cache is never on disk.
    /// </summary>
    public string? CacheDirectory { get; init; }
    /// <summary>Audio seconds played per real second: 1 is real time; tests and the swarm run faster.</summary>
    public double Speed { get; init; } = 1.0;
    /// <summary><c>null</c> (no sound), <c>wav:PATH</c> (decoded audio to a file), or <c>device</c>.</summary>
    public string Sink { get; init; } = "null";
    /// <summary>
    /// How long a cache entry lasts under <see cref="CachePolicy.Expire30s"/> in real time; <c>null</c> is
    /// the seed's 30 s of audio time (30 s divided by <see cref="Speed"/>).
    /// </summary>
    public TimeSpan? CacheLifetime { get; init; }
    /// <summary>Rule 6's idle limit in real time; <c>null</c> is 30 s of audio time (30 s divided by <see cref="Speed"/>).</summary>
    public TimeSpan? IdleTimeout { get; init; }
    /// <summary>
    /// Peer connections held at once; <c>null</c> is the paper's 60. Lower only where the process cannot
    /// hold that many sockets (hundreds of clients in one process share its file descriptors).
    /// </summary>
    public int? MaxConnections { get; init; }
}

/// <summary>One item of a playlist: a track and where in it to start.</summary>
public sealed record PlayItem(string TrackId, TimeSpan StartAt);

/// <summary>The client at one moment, for the live view and the swarm.</summary>
public sealed record ClientSnapshot(
    string PeerId,
    string? TrackId,
    TimeSpan Position,
    BufferLevel Level,
    PlayerState State,
    DataSource? Source,
    long ServerBytes,
    long PeerBytes,
    long CacheBytes,
    int Connections,
    int Uploads,
    int DownloadSources,
    IReadOnlyList<string> RecentEvents);

/// <summary>What one play of one track was like (issue 7, "Metrics per play").</summary>
public sealed record PlayReport(
    string PeerId,
    string TrackId,
    TimeSpan StartAt,
    TimeSpan TimeToFirstAudio,
    int Pauses,
    int Stutters,
    long ServerBytes,
    long PeerBytes,
    long CacheBytes,
    bool RandomAccess);
