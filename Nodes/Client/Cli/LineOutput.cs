using System.Text.Json;
using Spotify.Rx.Client.Player;

namespace Spotify.Rx.Client.Cli;

/// <summary>
/// What <c>run</c> says when it is not drawing the live view: one line per answer, player notice, rule
/// event, play report and status tick. Plain lines for people; with <c>--json</c> one JSON object per
/// line, each with a <c>type</c> (ready, answer, player, event, report, status), for scripts and tests.
/// </summary>
internal abstract class LineOutput(TextWriter writer)
{
    // One WriteLine at a time: events, ticks and answers come from different threads.
    protected readonly TextWriter Out = TextWriter.Synchronized(writer);

    public static LineOutput Create(bool json, TextWriter writer) => json ? new Json(writer) : new Plain(writer);

    public abstract void Ready(string peerId, string endpoint, string server, string tracker);
    public abstract void Answer(PlayerAnswer answer);
    public abstract void Notice(PlayerNotice notice);
    public abstract void Event(RuleEvent e);
    public abstract void Status(PlayerStatus status);
    public abstract void Refused(string line, string reason);

    private sealed class Plain(TextWriter writer) : LineOutput(writer)
    {
        public override void Ready(string peerId, string endpoint, string server, string tracker) =>
            Out.WriteLine($"ready: {peerId} on {endpoint}, server {server}, tracker {tracker}; commands: {PlayerCommand.Usage}");

        public override void Answer(PlayerAnswer a)
        {
            if (a.Command == "status") Asked(a.Status);
            else Out.WriteLine(a.Ok ? $"ok {a.Command}: {a.Message}" : $"error {a.Command}: {a.Message}");
        }

        public override void Notice(PlayerNotice n) => Out.WriteLine(n switch
        {
            PlayerNotice.Started s => $"player: {s.Track} from {s.At.TotalSeconds:0.0}s",
            PlayerNotice.Ended e => $"report: {e.Report.TrackId} from {e.Report.StartAt.TotalSeconds:0.0}s, first audio {e.Report.TimeToFirstAudio.TotalMilliseconds:0} ms, " +
                                    $"{e.Report.Pauses} pauses, {e.Report.Stutters} stutters, server {LiveView.Size(e.Report.ServerBytes)}, peers {LiveView.Size(e.Report.PeerBytes)}, cache {LiveView.Size(e.Report.CacheBytes)}",
            PlayerNotice.Failed f => $"player: {f.TrackId ?? "-"} failed: {f.Message}",
            _ => "player: idle (queue played out); still serving the cache",
        });

        public override void Event(RuleEvent e) => Out.WriteLine($"{e.At:HH:mm:ss.fff} {e.Kind}: {e.Detail}");

        private string _lastStatus = "";

        public override void Status(PlayerStatus s)
        {
            var line = $"status: {s.Track ?? "-"} {s.Position:m\\:ss\\.f} {s.State} buffer {s.Buffer:0.0}s{(s.Complete ? " (complete)" : "")} " +
                $"queue {s.Index + 1}/{s.Queue.Count} server {LiveView.Size(s.ServerBytes)} peers {LiveView.Size(s.PeerBytes)} cache {LiveView.Size(s.CacheBytes)} " +
                $"connections {s.Connections}/60 uploads {s.Uploads}/4 cached {s.Cached.Count}";
            // For people: an idle client repeats nothing; a status asked for is always answered.
            if (line == Interlocked.Exchange(ref _lastStatus, line)) return;
            Out.WriteLine(line);
        }

        private void Asked(PlayerStatus s)
        {
            Interlocked.Exchange(ref _lastStatus, "");
            Status(s);
        }

        public override void Refused(string line, string reason) => Out.WriteLine($"error: {reason}");
    }

    private sealed class Json(TextWriter writer) : LineOutput(writer)
    {
        private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

        private void Write(object value) => Out.WriteLine(JsonSerializer.Serialize(value, Options));

        private static double Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 3);

        public override void Ready(string peerId, string endpoint, string server, string tracker) =>
            Write(new { type = "ready", peerId, endpoint, server, tracker });

        public override void Answer(PlayerAnswer a) =>
            Write(new { type = "answer", command = a.Command, ok = a.Ok, message = a.Message, status = StatusObject(a.Status) });

        public override void Notice(PlayerNotice n) => Write(n switch
        {
            PlayerNotice.Started s => new { type = "player", @event = "started", track = s.Track.Id, title = s.Track.Title, at = Seconds(s.At) },
            PlayerNotice.Ended e => (object)new
            {
                type = "report", track = e.Report.TrackId, startAt = Seconds(e.Report.StartAt), firstAudioMs = Math.Round(e.Report.TimeToFirstAudio.TotalMilliseconds, 1),
                pauses = e.Report.Pauses, stutters = e.Report.Stutters, serverBytes = e.Report.ServerBytes, peerBytes = e.Report.PeerBytes,
                cacheBytes = e.Report.CacheBytes, randomAccess = e.Report.RandomAccess,
            },
            PlayerNotice.Failed f => new { type = "player", @event = "failed", track = f.TrackId, message = f.Message },
            _ => new { type = "player", @event = "idle" },
        });

        public override void Event(RuleEvent e) => Write(new { type = "event", at = e.At, kind = e.Kind, detail = e.Detail });

        public override void Status(PlayerStatus s)
        {
            var o = StatusObject(s);
            Write(new
            {
                type = "status", track = o.Track, title = o.Title, position = o.Position, state = o.State, buffer = o.Buffer, complete = o.Complete, index = o.Index,
                queue = o.Queue, serverBytes = o.ServerBytes, peerBytes = o.PeerBytes, cacheBytes = o.CacheBytes, connections = o.Connections, uploads = o.Uploads, cached = o.Cached,
            });
        }

        public override void Refused(string line, string reason) =>
            Write(new { type = "answer", command = line.Trim().Split(' ')[0].ToLowerInvariant(), ok = false, message = reason });

        private static StatusJson StatusObject(PlayerStatus s) => new(s.Track, s.Title, Seconds(s.Position), s.State, Math.Round(s.Buffer, 3), s.Complete, s.Index, s.Queue,
            s.ServerBytes, s.PeerBytes, s.CacheBytes, s.Connections, s.Uploads, s.Cached);

        private sealed record StatusJson(string? Track, string? Title, double Position, string State, double Buffer, bool Complete, int Index,
            IReadOnlyList<string> Queue, long ServerBytes, long PeerBytes, long CacheBytes, int Connections, int Uploads, IReadOnlyList<string> Cached);
    }
}
