using System.Globalization;
using Prometheus;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Server.Tracks;

public enum RangeForm { Whole, Range, Time }

/// <summary>
/// What an audio request asked for, as both front ends see it: the Kestrel route
/// (<see cref="AudioEndpoint"/>) and the sendfile endpoint (<see cref="Audio.AudioConnectionHandler"/>).
/// Counts are how often a header or query key occurred, so a repeated one is refused the same way by both.
/// </summary>
public ref struct AudioAsk
{
    public ReadOnlySpan<char> Id;
    public int RangeCount;
    public ReadOnlySpan<char> Range;
    public int FromCount;
    public ReadOnlySpan<char> From;
    public int SecondsCount;
    public ReadOnlySpan<char> Seconds;
}

/// <summary>The answer to an <see cref="AudioAsk"/>: a part of a track, or a refusal with its status and reason.</summary>
public readonly record struct AudioAnswer(int Status, StoredTrack? Track, ByteRange Range, RangeForm Form, string? Title = null, string? Reason = null)
{
    public bool IsRefusal => Status >= 400;
}

/// <summary>
/// The semantics of <c>/tracks/{id}/audio</c> in one place: which track, which bytes, which status.
/// Both front ends call <see cref="Decide"/>, so they cannot drift apart.
/// </summary>
public sealed class AudioParts(TrackStore store, double maxWindowSeconds, ServerMetrics metrics)
{
    public const string ContentType = "audio/ogg";
    public const string BadId = "track ids are 1-64 characters of a-z 0-9 -";

    /// <summary>The open audio files both front ends send from.</summary>
    public OpenTrackFiles Files => store.Files;

    public AudioAnswer Decide(in AudioAsk ask)
    {
        // Looked up among the manifests' ids only; the id is checked for shape just to say why it failed.
        var track = store.Find(ask.Id);
        if (track is null)
            return !TrackLibrary.IsValidId(ask.Id.ToString()) ? Refuse(400, "Bad request", BadId)
                : store.GoneReason(ask.Id) is { } gone ? Refuse(410, "Gone", gone)
                : Refuse(404, "Not found", $"no track '{ask.Id}'");

        long length = track.ByteLength;
        bool hasRange = ask.RangeCount > 1 || (ask.RangeCount == 1 && !ask.Range.IsEmpty);
        ByteRange range;
        RangeForm form;
        if (ask.FromCount > 0 || ask.SecondsCount > 0)
        {
            if (hasRange) return Refuse(400, "Bad request", "ask by Range or by ?from=&seconds=, not both");
            if (!store.Manifests.TryGet(track, out var manifest, out var broken)) return Refuse(410, "Gone", broken!);
            range = TimeWindow(manifest!.Manifest, ask);
            form = RangeForm.Time;
        }
        else if (!hasRange)
        {
            range = ByteRange.Whole(length);
            form = RangeForm.Whole;
        }
        else
        {
            range = ask.RangeCount == 1 ? ByteRange.Parse(ask.Range, length)
                : new ByteRange(RangeOutcome.Multiple, 0, 0, "multiple ranges are not served: ask for one range per request");
            form = RangeForm.Range;
        }

        return range.Outcome switch
        {
            RangeOutcome.Malformed or RangeOutcome.Multiple => Refuse(400, "Bad request", range.Reason!, track),
            RangeOutcome.Unsatisfiable => Refuse(416, "Range not satisfiable", range.Reason!, track),
            RangeOutcome.Partial => new AudioAnswer(206, track, range, form),
            _ => new AudioAnswer(200, track, range, form),
        };
    }

    /// <summary>
    /// Reads a raw query string (after the '?') into <paramref name="ask"/> the way Kestrel reads
    /// <c>HttpRequest.Query</c> for the route: keys without regard to case, %XX escapes and '+' decoded.
    /// The sendfile endpoint sees the raw target, so without this <c>?from=%31</c> would mean 1 s on one
    /// front end and a malformed number on the other.
    /// </summary>
    public static void ReadQuery(ReadOnlySpan<char> query, ref AudioAsk ask)
    {
        foreach (var pair in query.Split('&'))
        {
            var item = query[pair];
            if (item.IsEmpty) continue;
            int eq = item.IndexOf('=');
            var key = Unescape(eq < 0 ? item : item[..eq]);
            var value = eq < 0 ? default : Unescape(item[(eq + 1)..]);
            if (key.Equals("from", StringComparison.OrdinalIgnoreCase)) { ask.FromCount++; ask.From = value; }
            else if (key.Equals("seconds", StringComparison.OrdinalIgnoreCase)) { ask.SecondsCount++; ask.Seconds = value; }
        }
    }

    /// <summary>A path segment or query part with its escapes decoded; allocates only when there is one.</summary>
    public static ReadOnlySpan<char> Unescape(ReadOnlySpan<char> text, bool plusIsSpace = true) =>
        text.IndexOfAny('%', '+') < 0 ? text
        : Uri.UnescapeDataString(plusIsSpace ? text.ToString().Replace('+', ' ') : text.ToString());

    /// <summary>Counts a part about to be sent; the body's bytes only when there is a body.</summary>
    public void Count(in AudioAnswer answer, bool head)
    {
        // No exemplars: looking one up in the trace context costs more than the count itself.
        (answer.Form switch { RangeForm.Time => metrics.AudioTime, RangeForm.Range => metrics.AudioRange, _ => metrics.AudioWhole }).Inc(1, Exemplar.None);
        if (!head) metrics.AudioBytes.Inc(answer.Range.Length, Exemplar.None);
    }

    /// <summary>The whole pages that cover [from, from + seconds), or why the window is not one.</summary>
    private ByteRange TimeWindow(TrackManifest manifest, in AudioAsk ask)
    {
        if (ask.FromCount != 1 || !TryParseSeconds(ask.From, out var from) || from < 0)
            return new(RangeOutcome.Malformed, 0, 0, "from must be a number of seconds, at least 0");
        double seconds = 15;
        // "seconds=" with nothing after it means the default, as a missing key does.
        bool secondsGiven = ask.SecondsCount > 1 || (ask.SecondsCount == 1 && !ask.Seconds.IsEmpty);
        if (secondsGiven && (ask.SecondsCount != 1 || !TryParseSeconds(ask.Seconds, out seconds) || seconds <= 0 || seconds > maxWindowSeconds))
            return new(RangeOutcome.Malformed, 0, 0, $"seconds must be a number above 0 and at most {maxWindowSeconds}");
        if (from >= manifest.Duration.TotalSeconds)
            return new(RangeOutcome.Unsatisfiable, 0, 0, $"from={from} is at or past the end of the track ({manifest.Duration.TotalSeconds:0.###} s)");
        var (start, end) = manifest.ByteRangeFor(TimeSpan.FromSeconds(from), TimeSpan.FromSeconds(seconds));
        return new(RangeOutcome.Partial, start, end);
    }

    private static bool TryParseSeconds(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private AudioAnswer Refuse(int status, string title, string reason, StoredTrack? track = null)
    {
        metrics.AudioRefused.Inc();
        return new AudioAnswer(status, track, default, RangeForm.Whole, title, reason);
    }
}
