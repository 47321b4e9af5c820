using Spotify.Rx.Streams;
using Spotify.Rx.Streams.Decisions;

namespace Spotify.Rx.Client;

/// <summary>
/// One rule firing (or another happening worth showing), typed: match the record type, not the
/// text. <see cref="Kind"/> is a short word (start, play, fallback, prefetch, stutter, pause ...)
/// and <see cref="Detail"/> the sentence the log, the live view and the CLI print;
/// <see cref="Data"/> the rule's decision where it has one.
/// </summary>
public abstract record RuleEvent(DateTimeOffset At)
{
    public abstract string Kind { get; }

    public abstract string Detail { get; }

    public virtual object? Data => null;

    /// <summary>"kind: detail", as printed.</summary>
    public string Text => $"{Kind}: {Detail}";

    public sealed override string ToString() => Text;
}

/// <summary>Rule 1: the server is asked for the window from the start position.</summary>
public sealed record StartRequested(DateTimeOffset At, string TrackId, TimeSpan From, TimeSpan Length) : RuleEvent(At)
{
    public override string Kind => "start";
    public override string Detail => $"{TrackId} at {From.TotalSeconds:0.0}s: server asked for {Length.TotalSeconds:0}s";
}

/// <summary>Rule 1: playback began, <paramref name="FirstAudio"/> after the play was asked for.</summary>
public sealed record PlaybackStarted(DateTimeOffset At, string TrackId, TimeSpan From, TimeSpan FirstAudio, bool FromCache) : RuleEvent(At)
{
    public override string Kind => "play";
    public override string Detail => $"{TrackId} from {From.TotalSeconds:0.0}s after {FirstAudio.TotalMilliseconds:0} ms{(FromCache ? " (cache)" : "")}";
}

/// <summary>The first peer that has the track, and how it was found (tracker or search).</summary>
public sealed record FirstPeerFound(DateTimeOffset At, string TrackId, string PeerId, string Via) : RuleEvent(At)
{
    public override string Kind => "peers";
    public override string Detail => $"{TrackId}: first peer {PeerId} from the {Via}";
}

/// <summary>Rule 3: the level stands at 10 s (first after the start, or again after a fallback): peers fetch the rest.</summary>
public sealed record PeersResumed(DateTimeOffset At, string TrackId, BufferLevel Level, bool AfterStart) : RuleEvent(At)
{
    public override string Kind => "peers";
    public override string Detail => AfterStart
        ? $"{TrackId} start buffered to {Level.Seconds:0.0}s: peers resume for the rest"
        : $"{TrackId} back at 10 s: peers resume";
    public override object? Data => Level;
}

/// <summary>Rule 3: the level fell below 10 s: the next 15 s from the server.</summary>
public sealed record FallbackStarted(DateTimeOffset At, string TrackId, BufferLevel Level) : RuleEvent(At)
{
    public override string Kind => "fallback";
    public override string Detail => $"{TrackId} below 10 s of buffer ({Level.Seconds:0.0}s): next 15 s from the server";
    public override object? Data => Level;
}

/// <summary>Rule 4: the playhead reached unbuffered data.</summary>
public sealed record Stuttered(DateTimeOffset At, Stutter Stutter) : RuleEvent(At)
{
    public override string Kind => "stutter";
    public override string Detail => $"{Stutter.TrackId} at {Stutter.Position.TotalSeconds:0.0}s: uploads stopped, server only";
    public override object? Data => Stutter;
}

/// <summary>Rule 4: all uploads stopped until the track is fully buffered.</summary>
public sealed record UploadsStopped(DateTimeOffset At, string TrackId) : RuleEvent(At)
{
    public override string Kind => "uploads";
    public override string Detail => $"{TrackId} stuttered: all uploads stopped until it is fully buffered";
}

/// <summary>Rule 4 ends: the track is fully buffered, uploads run again.</summary>
public sealed record UploadsResumed(DateTimeOffset At, string TrackId) : RuleEvent(At)
{
    public override string Kind => "uploads";
    public override string Detail => $"{TrackId} fully buffered: uploads resume";
}

/// <summary>Rule 5: an underrun paused the player exactly where the data ran out.</summary>
public sealed record UnderrunPaused(DateTimeOffset At, Pause Pause) : RuleEvent(At)
{
    public override string Kind => "pause";
    public override string Detail => $"{Pause.TrackId} underrun at {Pause.At.TotalSeconds:0.00}s (pause {Pause.Number})";
    public override object? Data => Pause;
}

/// <summary>Rule 5: playback resumed from the pause position.</summary>
public sealed record UnderrunResumed(DateTimeOffset At, Resume Resume) : RuleEvent(At)
{
    public override string Kind => "resume";
    public override string Detail => $"{Resume.TrackId} from {Resume.At.TotalSeconds:0.00}s after {Resume.Stalled.TotalMilliseconds:0} ms";
    public override object? Data => Resume;
}

/// <summary>The user paused (not an underrun: no rule-5 metric counts it) or resumed.</summary>
public sealed record UserPaused(DateTimeOffset At, string TrackId, TimeSpan Position, bool Paused) : RuleEvent(At)
{
    public override string Kind => Paused ? "user-pause" : "user-resume";
    public override string Detail => $"{TrackId} at {Position.TotalSeconds:0.00}s";
}

/// <summary>Rule 7: a prefetch step carried out (peers at 30 s left, the server at 10 s left).</summary>
public sealed record PrefetchStarted(DateTimeOffset At, PrefetchStep Step) : RuleEvent(At)
{
    public override string Kind => "prefetch";
    public override string Detail => Step switch
    {
        PrefetchFromServer s => $"{s.TrackId}: first {s.Length.TotalSeconds:0}s from the server ({s.Left.TotalSeconds:0.0} s left, {s.Prefetched.TotalSeconds:0.0}s prefetched)",
        PrefetchFromPeers p => $"{p.TrackId} from peers ({p.Left.TotalSeconds:0.0} s left)",
        _ => Step.ToString(),
    };
    public override object? Data => Step;
}

/// <summary>Rule 7: what was prefetched is no longer wanted (track change, playlist change).</summary>
public sealed record PrefetchCancelled(DateTimeOffset At, string TrackId) : RuleEvent(At)
{
    public override string Kind => "prefetch";
    public override string Detail => $"{TrackId} cancelled";
}

/// <summary>Rule 4 on the next track: its prefetch waits while the current track recovers (or goes on again).</summary>
public sealed record PrefetchPaused(DateTimeOffset At, string TrackId, bool Paused) : RuleEvent(At)
{
    public override string Kind => "prefetch";
    public override string Detail => Paused ? $"{TrackId} paused: the current track stuttered" : $"{TrackId} goes on";
}

/// <summary>Rule 7: the prefetched track starts playing with what was fetched.</summary>
public sealed record PrefetchUsed(DateTimeOffset At, string TrackId, TimeSpan Prefetched) : RuleEvent(At)
{
    public override string Kind => "prefetch";
    public override string Detail => $"{TrackId} starts with {Prefetched.TotalSeconds:0.0}s prefetched";
}

/// <summary>A server request failed: its chunks are missing again, the server rests a moment.</summary>
public sealed record ServerFailed(DateTimeOffset At, string TrackId, int First, int Last, string Message) : RuleEvent(At)
{
    public override string Kind => "server-error";
    public override string Detail => $"{TrackId} chunks {First}..{Last}: {Message}";
}

/// <summary>A peer's chunk failed its hash: the peer is dropped, the chunk asked again.</summary>
public sealed record CorruptChunk(DateTimeOffset At, string TrackId, int Chunk, string PeerId) : RuleEvent(At)
{
    public override string Kind => "corrupt";
    public override string Detail => $"chunk {Chunk} of {TrackId} from {PeerId} failed its hash: peer dropped, chunk asked again";
}

/// <summary>A peer can no longer serve the track (closed, gone, MISSING).</summary>
public sealed record PeerLost(DateTimeOffset At, string TrackId, string PeerId, string Reason) : RuleEvent(At)
{
    public override string Kind => "peer-lost";
    public override string Detail => $"{PeerId} can no longer serve {TrackId} ({Reason})";
}

/// <summary>Anything else worth showing (the cache, the sound, a failed prefetch), by kind and text.</summary>
public sealed record Notice(DateTimeOffset At, string NoticeKind, string Message) : RuleEvent(At)
{
    public override string Kind => NoticeKind;
    public override string Detail => Message;
}
