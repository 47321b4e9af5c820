using Spotify.Rx.Streams.Rules;

namespace Spotify.Rx.Streams.Scheduling;

/// <summary>The limits the chunk scheduler works under; defaults are docs/ARCHITECTURE.md's numbers.</summary>
public sealed record ChunkSchedulerOptions
{
    /// <summary>Rule 2: at most 5 peers download the track at once.</summary>
    public int MaxSources { get; init; } = 5;

    /// <summary>Chunks asked of one peer before the first arrives, so a round trip does not idle the link.</summary>
    public int PipelinePerPeer { get; init; } = 4;

    /// <summary>Rule 2: while peers serve the track, the server is never asked beyond this much audio ahead.</summary>
    public TimeSpan ServerHorizon { get; init; } = RandomAccessStart.ServerWindow;

    /// <summary>Rule 3: how much the server is asked for after the contiguous data when the buffer falls low.</summary>
    public TimeSpan FallbackWindow { get; init; } = ServerFallback.FetchLength;

    /// <summary>A chunk this close to the playhead, held up by a slow peer, is asked of the server.</summary>
    public TimeSpan UrgentHorizon { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A peer's chunk is late after this many times its expected delivery time ...</summary>
    public double LateFactor { get; init; } = 3.0;

    /// <summary>... but never before this long, so a jittery link is not punished.</summary>
    public TimeSpan MinDeadline { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>What a peer is assumed to deliver before its first chunk is measured: optimistic, so new peers get tried.</summary>
    public double AssumedBytesPerSecond { get; init; } = 256 * 1024;

    /// <summary>Most chunks in one server request, so a server-only track still arrives in bounded parts.</summary>
    public int MaxServerRun { get; init; } = 64;
}
