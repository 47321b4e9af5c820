using System.Reactive.Linq;
using System.Text.Json;

namespace Spotify.Rx.Client.Cli;

/// <summary>
/// <c>--json</c>: one JSON object per line on stdout, for scripts and tests driving a client on
/// another host: <c>up</c>, every rule event, a <c>status</c> every second, a <c>played</c> report per
/// track, <c>done</c> when the playlist ends and <c>seeding</c> while it stays up for peers.
/// </summary>
internal static class JsonLines
{
    // Console.Out is synchronized: lines written from the events' and the status's threads never interleave.
    public static void Write(object line) => Console.Out.WriteLine(JsonSerializer.Serialize(line, JsonSerializerOptions.Web));

    public static void Up(ClientNode client) =>
        Write(new { @event = "up", peerId = client.PeerId, endpoint = client.Endpoint.ToString(), cacheDir = client.CacheDirectory, cached = client.CachedTracks });

    public static async Task RunAsync(ClientNode client, Task play)
    {
        using var events = client.Events.Subscribe(e => Write(new { @event = "rule", at = e.At, kind = e.Kind, detail = e.Detail }));
        using var plays = client.Plays.Subscribe(r => Write(new
        {
            @event = "played", track = r.TrackId, startAt = r.StartAt.TotalSeconds, firstAudioMs = r.TimeToFirstAudio.TotalMilliseconds,
            pauses = r.Pauses, stutters = r.Stutters, serverBytes = r.ServerBytes, peerBytes = r.PeerBytes, cacheBytes = r.CacheBytes,
        }));
        using var status = client.Snapshots.Sample(TimeSpan.FromSeconds(1)).Subscribe(s => Write(new
        {
            @event = "status", track = s.TrackId, position = s.Position.TotalSeconds, state = s.State.ToString(), level = s.Level.ToString(),
            serverBytes = s.ServerBytes, peerBytes = s.PeerBytes, cacheBytes = s.CacheBytes,
            connections = s.Connections, uploads = s.Uploads, sources = s.DownloadSources,
        }));
        await play;
        Write(new { @event = "done", plays = client.Reports.Count, cached = client.CachedTracks });
    }
}
