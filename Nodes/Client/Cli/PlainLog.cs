using System.Reactive.Linq;

namespace Spotify.Rx.Client.Cli;

/// <summary>When the output is not a terminal: one line per rule event and a status line every second.</summary>
internal static class PlainLog
{
    public static async Task RunAsync(ClientNode client, Task play)
    {
        using var events = client.Events.Subscribe(e => Console.WriteLine($"{e.At:HH:mm:ss.fff} {e.Kind}: {e.Detail}"));
        using var status = client.Snapshots.Sample(TimeSpan.FromSeconds(1)).Subscribe(s => Console.WriteLine(
            $"{DateTimeOffset.Now:HH:mm:ss.fff} status: {s.TrackId ?? "-"} {s.Position:m\\:ss\\.f} {s.State} buffer {s.Level} " +
            $"server {LiveView.Size(s.ServerBytes)} peers {LiveView.Size(s.PeerBytes)} cache {LiveView.Size(s.CacheBytes)} " +
            $"connections {s.Connections}/60 uploads {s.Uploads}/4 sources {s.DownloadSources}/5"));
        await play;
    }
}
