using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Spotify.Rx.Swarm.Report;

/// <summary>
/// The run's raw observations beside the report, for one's own analysis: <c>plays.csv</c> (one row
/// per finished play), <c>samples.csv</c> (one row per client per 250 ms sample) and
/// <c>events.jsonl</c> (joins, leaves, failures and the rule events the clients' snapshots showed).
/// Times are seconds of wall time since the listening started.
/// </summary>
public static class DataFiles
{
    public const string Plays = "plays.csv";
    public const string Samples = "samples.csv";
    public const string Events = "events.jsonl";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static IReadOnlyList<string> WriteAll(SwarmObservations observed, string folder)
    {
        ArgumentNullException.ThrowIfNull(observed);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, Plays), PlaysCsv(observed.Plays));
        File.WriteAllText(Path.Combine(folder, Samples), SamplesCsv(observed.Samples));
        File.WriteAllText(Path.Combine(folder, Events), EventsJsonl(observed.Events));
        return [Plays, Samples, Events];
    }

    public static string PlaysCsv(IEnumerable<FinishedPlay> plays)
    {
        var csv = new StringBuilder("finished_s,peer,track,start_at_s,random_access,first_audio_ms,pauses,stutters,server_bytes,peer_bytes,cache_bytes\n");
        foreach (var (at, p) in plays.OrderBy(p => p.At))
        {
            csv.Append(Inv($"{at.TotalSeconds:0.000},{Field(p.PeerId)},{Field(p.TrackId)},{p.StartAt.TotalSeconds:0.###},{(p.RandomAccess ? 1 : 0)},{p.TimeToFirstAudio.TotalMilliseconds:0.###},{p.Pauses},{p.Stutters},{p.ServerBytes},{p.PeerBytes},{p.CacheBytes}\n"));
        }
        return csv.ToString();
    }

    public static string SamplesCsv(IEnumerable<ClientSample> samples)
    {
        var csv = new StringBuilder("at_s,peer,state,track,buffer_s,track_complete,server_bytes,peer_bytes,cache_bytes,connections,uploads,download_sources\n");
        foreach (var s in samples.OrderBy(s => s.At).ThenBy(s => s.PeerId, StringComparer.Ordinal))
        {
            csv.Append(Inv($"{s.At.TotalSeconds:0.000},{Field(s.PeerId)},{Field(s.State)},{Field(s.TrackId ?? "")},{s.BufferAhead.TotalSeconds:0.###},{(s.TrackComplete ? 1 : 0)},{s.ServerBytes},{s.PeerBytes},{s.CacheBytes},{s.Connections},{s.Uploads},{s.DownloadSources}\n"));
        }
        return csv.ToString();
    }

    public static string EventsJsonl(IEnumerable<SwarmEvent> events)
    {
        var lines = new StringBuilder();
        foreach (var e in events.OrderBy(e => e.At))
        {
            lines.Append(JsonSerializer.Serialize(new { at = Math.Round(e.At.TotalSeconds, 3), peer = e.PeerId, kind = e.Kind, detail = e.Detail }, Json)).Append('\n');
        }
        return lines.ToString();
    }

    /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.</summary>
    public static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
