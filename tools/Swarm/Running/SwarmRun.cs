using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spotify.Rx.Swarm.Live;
using Spotify.Rx.Swarm.Report;
using Spotify.Rx.Swarm.Workload;

namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// One swarm run, start to report: the library, the server and the tracker, the clients and their
/// overlay, the listening sessions for the run's duration, the live view, then the report.
/// </summary>
public static class SwarmRun
{
    /// <summary>How long the clients get to stop and the last reports to arrive once the run is over.</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(10);

    public static async Task<(SwarmReport Report, IReadOnlyList<PlayOutcome> Plays)> RunAsync(
        SwarmSettings settings, SwarmParts parts, IAnsiConsole console, CancellationToken ct)
    {
        settings.Validate();
        var progress = new Progress<string>(line => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]"));

        var catalogue = (await parts.EnsureLibrary(settings.Library, settings.Tracks, progress, ct).ConfigureAwait(false))
            .Take(settings.Tracks).ToList();
        if (catalogue.Count == 0) throw new InvalidOperationException($"the library in {settings.Library} has no tracks");

        var workload = WorkloadGenerator.Generate(catalogue, settings.Clients, new WorkloadOptions
        {
            ListeningTime = settings.Duration * settings.Speed,
            ZipfExponent = settings.ZipfExponent,
        }, settings.Seed);

        Action<ILoggingBuilder>? logs = settings.Verbose ? l => l.AddSimpleConsole(o => o.SingleLine = true) : null;
        await using var host = await SwarmHost.StartAsync(settings.Library, settings.Keys, logs, ct).ConfigureAwait(false);
        console.MarkupLine($"[grey]server {host.ServerUrl}, tracker {host.TrackerUrl}, {catalogue.Count} tracks[/]");

        var clients = new List<ISwarmClient>(settings.Clients);
        using var monitor = new SwarmMonitor();
        try
        {
            for (int i = 0; i < settings.Clients; i++)
            {
                var launch = new ClientLaunch(i, $"peer-{i:000}", host.ServerUrl, host.TrackerUrl, settings.Cache, settings.Speed);
                var client = await parts.StartClient(launch, ct).ConfigureAwait(false);
                clients.Add(client);
                monitor.Watch(client);
            }
            foreach (var (from, to) in Neighbours.Choose(clients.Count, settings.NeighboursPerClient, new Random(settings.Seed)))
            {
                clients[from].AddNeighbour(clients[to].Endpoint);
                clients[to].AddNeighbour(clients[from].Endpoint);
            }
            console.MarkupLine($"[grey]{clients.Count} clients started; listening for {settings.Duration.TotalSeconds:0} s at {settings.Speed}x[/]");

            var started = monitor.Elapsed;
            using var listening = CancellationTokenSource.CreateLinkedTokenSource(ct);
            listening.CancelAfter(settings.Duration);
            using var viewing = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bool live = (settings.Live ?? LiveView.CanRedraw(console)) && !settings.Verbose;
            var view = new LiveView(monitor, settings.Duration, console, live).RunAsync(viewing.Token);

            var sessions = clients.Select((c, i) => ListenAsync(c.PeerId, new SessionPlayer(c, settings.Speed, TimeProvider.System), workload[i], monitor, listening.Token)).ToList();
            await Task.WhenAll(sessions).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();

            var wallTime = monitor.Elapsed - started;
            viewing.Cancel();
            await view.ConfigureAwait(false);

            var report = ReportBuilder.Build(Settings(settings, catalogue.Count), wallTime, monitor.Plays, monitor.Samples, monitor.Failures);
            return (report, monitor.Plays);
        }
        finally
        {
            using var drain = new CancellationTokenSource(Drain);
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).WaitAsync(drain.Token).ConfigureAwait(false);
        }
    }

    public static RunSettings Settings(SwarmSettings s, int tracks) =>
        new(s.Clients, s.Duration, s.Speed, tracks, s.ZipfExponent, s.CacheName, s.Seed, s.Command);

    /// <summary>A listener whose client fails is reported once and stops; the rest of the swarm goes on.</summary>
    private static async Task ListenAsync(string peerId, SessionPlayer player, ClientWorkload workload, SwarmMonitor monitor, CancellationToken ct)
    {
        try
        {
            await player.PlayAsync(workload, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The run's duration is over.
        }
        catch (Exception e)
        {
            monitor.Fail(peerId, e);
        }
    }
}
