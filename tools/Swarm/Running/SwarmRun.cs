using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Spotify.Rx.Client;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spotify.Rx.Swarm.Live;
using Spotify.Rx.Swarm.Report;
using Spotify.Rx.Swarm.Workload;
using Spotify.Rx.Swarm.Hosts;
using System.Globalization;

namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// One swarm run, start to report: the library, the server and the tracker, the clients and their
/// overlay, the listening sessions for the run's duration, the live view, then the report.
/// </summary>
public static class SwarmRun
{
    /// <summary>How long the clients get to stop and the last reports to arrive once the run is over.</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(10);
    // The clients' status comes every 200 ms: a second without change means the joins' connections are made.
    private static readonly TimeSpan OverlayQuiet = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan OverlaySetupBound = TimeSpan.FromSeconds(20);

    public static async Task<(SwarmReport Report, SwarmObservations Observed)> RunAsync(
        SwarmSettings settings, SwarmParts parts, IAnsiConsole console, CancellationToken ct)
    {
        settings.Validate();
        var progress = new Progress<string>(line => Say(console, line));

        var catalogue = (await parts.EnsureLibrary(settings.LibraryFolder, settings.TrackCount, progress, ct).ConfigureAwait(false))
            .Take(settings.TrackCount).ToList();
        if (catalogue.Count == 0) throw new InvalidOperationException($"the library in {settings.LibraryFolder} has no tracks");

        int inOneProcess = settings.Hosts > 0 ? (settings.Clients + settings.Hosts - 1) / settings.Hosts : settings.Clients;
        if (DescriptorBudget.OpenFilesLimit() is { } openFiles
            && DescriptorBudget.ConnectionsPerClient(inOneProcess, openFiles) is var connections
            && connections < Streams.Gates.ConnectionGate.SpotifyLimit)
        {
            settings = settings with { MaxConnections = connections };
            Say(console, $"{connections} peer connections per client, not 60: {inOneProcess} clients in one process may open {openFiles} files (ulimit -n)");
        }

        var listeningTime = settings.Duration * settings.Speed;
        var workload = WorkloadGenerator.Generate(catalogue, settings.Clients,
            settings.Catalogue == CatalogueChoice.Paper
                ? WorkloadOptions.Paper(listeningTime, settings.ZipfExponent)
                : new WorkloadOptions { ListeningTime = listeningTime, ZipfExponent = settings.ZipfExponent },
            settings.Seed);

        if (settings.CacheDir is not null)
        {
            // Every run starts with empty caches, as new clients do; a run that found the last one's caches would not be repeatable.
            var caches = Path.Combine(settings.CacheDir, settings.CacheName);
            if (Directory.Exists(caches)) Directory.Delete(caches, recursive: true);
        }
        await using var host = await Site.StartAsync(settings, parts, progress, ct).ConfigureAwait(false);
        Say(console, $"server {host.ServerUrl}, {catalogue.Count} tracks; {host.Network}");

        using var monitor = new SwarmMonitor();
        var swarm = new Presence(Neighbours.Choose(settings.Clients, settings.NeighboursPerClient, new Random(settings.Seed)));
        try
        {
            var fromStart = workload.Where(w => w.JoinAt == TimeSpan.Zero).Select(w => w.Client).ToList();
            var started = await StartClientsAsync(settings, host, fromStart, ct).ConfigureAwait(false);
            foreach (var (index, client) in started) swarm.Join(index, client, monitor);
            var links = await monitor.OverlaySettled(OverlayQuiet, OverlaySetupBound, Scheduler.Default).ToTask(ct).ConfigureAwait(false);
            int late = settings.Clients - fromStart.Count, leaving = workload.Count(w => w.LeaveAt is not null);
            Say(console, $"{fromStart.Count} clients started, {links} overlay connections up" + (late > 0 || leaving > 0 ? $" ({late} more join later, {leaving} leave early)" : "")
                + $"; listening for {settings.Duration.TotalSeconds:0} s at {settings.Speed}x");

            monitor.Begin();
            using var cost = host.CostMeter(settings.Clients);
            using var counter = new ServerCounter(host.ServerUrl);
            var sentAtStart = await counter.AudioBytesAsync(ct).ConfigureAwait(false);
            using var listening = CancellationTokenSource.CreateLinkedTokenSource(ct);
            listening.CancelAfter(settings.Duration);
            using var viewing = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bool live = (settings.Live ?? LiveView.CanRedraw(console)) && !settings.Verbose;
            var view = new LiveView(monitor, settings.Duration, console, live).RunAsync(viewing.Token);

            var sentAtWarmup = settings.Warmup > TimeSpan.Zero
                ? Task.Delay(settings.Warmup, ct).ContinueWith(_ => counter.AudioBytesAsync(ct), TaskScheduler.Default).Unwrap()
                : Task.FromResult(sentAtStart);
            var lives = workload.Select(w => LiveAsync(w, settings, host, swarm, monitor, listening.Token)).ToList();
            await EndAsync(lives, workload.Select(w => PeerId(w.Client)).ToList(), monitor, settings.Duration + Drain, ct).ConfigureAwait(false);
            var wallTime = monitor.Elapsed;
            var spent = cost.Stop();
            var sentAtEnd = await counter.AudioBytesAsync(ct).ConfigureAwait(false);
            var atWarmup = sentAtWarmup.IsCompletedSuccessfully ? sentAtWarmup.Result : null;
            ServerSent? sent = sentAtStart is { } first && sentAtEnd is { } last
                ? new ServerSent(last - first, atWarmup is { } warm ? last - warm : null)
                : null;
            foreach (var client in swarm.Present()) monitor.Refresh(client);

            viewing.Cancel();
            await view.ConfigureAwait(false);
            await DisposeAsync(swarm.TakeAll(), monitor).ConfigureAwait(false);

            var observed = monitor.Observations;
            var report = ReportBuilder.Build(Settings(settings, catalogue.Count) with { Hosts = host.Hosts, Network = host.Network }, wallTime, observed, monitor.Samples, monitor.Failures) with { Cost = spent, ServerSent = sent };
            return (report, observed);
        }
        finally
        {
            await DisposeAsync(swarm.TakeAll(), monitor).ConfigureAwait(false);
        }
    }

    private static string PeerId(int index) => $"peer-{index:000}";

    /// <summary>
    /// One client's time in the swarm: a late joiner starts when its time comes and links to the
    /// neighbours already there; every client plays its sessions; an early leaver stops its node
    /// then, so the others lose it as a source.
    /// </summary>
    private static async Task LiveAsync(ClientWorkload workload, SwarmSettings settings, Site host,
        Presence swarm, SwarmMonitor monitor, CancellationToken listening)
    {
        string peerId = PeerId(workload.Client);
        var client = swarm.Find(workload.Client);
        if (client is null)
        {
            try
            {
                await Task.Delay(Wall(workload.JoinAt, settings.Speed), TimeProvider.System, listening).ConfigureAwait(false);
                client = await host.StartClient(Launch(settings, workload.Client, host), listening).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (listening.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                monitor.Fail(peerId, e);
                return;
            }
            swarm.Join(workload.Client, client, monitor);
        }

        using var stay = CancellationTokenSource.CreateLinkedTokenSource(listening);
        if (workload.LeaveAt is { } leaveAt) stay.CancelAfter(Wall(leaveAt - workload.JoinAt, settings.Speed));
        await ListenAsync(peerId, new SessionPlayer(client, settings.Speed, TimeProvider.System), workload, monitor, stay.Token).ConfigureAwait(false);
        if (workload.LeaveAt is not null && !listening.IsCancellationRequested && swarm.Leave(workload.Client) is { } leaving)
        {
            monitor.Refresh(leaving);
            await DisposeAsync([leaving], monitor).ConfigureAwait(false);
            monitor.Left(peerId);
        }
    }

    private static TimeSpan Wall(TimeSpan audio, double speed) => TimeSpan.FromTicks((long)(audio.Ticks / speed));

    /// <summary>
    /// Which clients are in the swarm now, and the overlay links among them: a link of the seed's
    /// overlay is made when its second end joins.
    /// </summary>
    private sealed class Presence(IReadOnlyList<(int From, int To)> links)
    {
        private readonly Dictionary<int, ISwarmClient> _present = [];
        private readonly object _gate = new();

        public ISwarmClient? Find(int index)
        {
            lock (_gate) return _present.GetValueOrDefault(index);
        }

        public void Join(int index, ISwarmClient client, SwarmMonitor monitor)
        {
            monitor.Watch(client);
            lock (_gate)
            {
                _present[index] = client;
                foreach (var (from, to) in links)
                {
                    if (from != index && to != index) continue;
                    if (!_present.TryGetValue(from == index ? to : from, out var other)) continue;
                    client.AddNeighbour(other.Endpoint);
                    other.AddNeighbour(client.Endpoint);
                }
            }
        }

        public List<ISwarmClient> Present()
        {
            lock (_gate) return _present.Values.ToList();
        }

        public ISwarmClient? Leave(int index)
        {
            lock (_gate) return _present.Remove(index, out var client) ? client : null;
        }

        public List<ISwarmClient> TakeAll()
        {
            lock (_gate)
            {
                var all = _present.OrderBy(p => p.Key).Select(p => p.Value).ToList();
                _present.Clear();
                return all;
            }
        }
    }

    /// <summary>
    /// Starts the clients a few at a time (each logs in and opens its overlay port), in peer order.
    /// If one fails to start, the ones already up are stopped before the error goes on.
    /// </summary>
    private static async Task<(int Index, ISwarmClient Client)[]> StartClientsAsync(SwarmSettings settings, Site host, IReadOnlyList<int> indices, CancellationToken ct)
    {
        var started = new ISwarmClient?[settings.Clients];
        try
        {
            await Parallel.ForEachAsync(indices,
                new ParallelOptions { MaxDegreeOfParallelism = 2 * Environment.ProcessorCount, CancellationToken = ct },
                async (i, token) => started[i] = await host.StartClient(
                    Launch(settings, i, host), token).ConfigureAwait(false))
                .ConfigureAwait(false);
            return indices.Select(i => (i, started[i]!)).ToArray();
        }
        catch
        {
            await Task.WhenAll(started.OfType<ISwarmClient>().Select(c => c.DisposeAsync().AsTask())).WaitAsync(Drain).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Waits for every listener to leave its playlist once the run's time is up. A client that does
    /// not is named in the report with what it was doing, and the run ends without it.
    /// </summary>
    private static async Task EndAsync(List<Task> sessions, List<string> peerIds, SwarmMonitor monitor, TimeSpan bound, CancellationToken ct)
    {
        try
        {
            await Task.WhenAll(sessions).WaitAsync(bound, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var last = monitor.Clients.ToDictionary(c => c.PeerId);
            for (int i = 0; i < sessions.Count; i++)
            {
                if (sessions[i].IsCompleted) continue;
                var status = last.GetValueOrDefault(peerIds[i]);
                monitor.Fail(peerIds[i], $"still playing {Drain.TotalSeconds:0} s after the end of the run ({status?.TrackId ?? "no track"} at {status?.Position:m\\:ss}, {status?.State}, buffer {status?.BufferAhead.TotalSeconds:0.0} s, last event: {status?.LastEvent})");
            }
        }
    }

    /// <summary>Stops the clients, once, each within the drain time; one that hangs is reported and left behind.</summary>
    private static async Task DisposeAsync(List<ISwarmClient> clients, SwarmMonitor monitor)
    {
        var stopping = clients.Select(c => (c.PeerId, Task: c.DisposeAsync().AsTask())).ToList();
        clients.Clear();
        try
        {
            await Task.WhenAll(stopping.Select(s => s.Task)).WaitAsync(Drain).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            foreach (var (peerId, task) in stopping.Where(s => !s.Task.IsCompleted)) monitor.Fail(peerId, $"did not stop within {Drain.TotalSeconds:0} s");
        }
        catch (Exception e)
        {
            foreach (var (peerId, task) in stopping.Where(s => s.Task.IsFaulted)) monitor.Fail(peerId, task.Exception?.GetBaseException() ?? e);
        }
    }

    /// <summary>A plain line: Spectre would wrap it at 80 columns when stdout is not a terminal.</summary>
    public static void Say(IAnsiConsole console, string line)
    {
        if (LiveView.CanRedraw(console)) console.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
        else console.Profile.Out.Writer.WriteLine(line);
    }

    public static RunSettings Settings(SwarmSettings s, int tracks) =>
        new(s.Clients, s.Duration, s.Speed, tracks, s.ZipfExponent, s.CacheName, s.Seed, s.Command, s.Warmup, s.CatalogueName);

    private static ClientLaunch Launch(SwarmSettings settings, int index, Site host)
    {
        string peerId = PeerId(index);
        return new ClientLaunch(index, peerId, host.ServerUrl, host.TrackerFor(index), settings.Cache, settings.Speed,
            settings.CacheDir is null ? null : Path.Combine(settings.CacheDir, settings.CacheName, peerId), settings.MaxConnections);
    }

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

    /// <summary>
    /// Where the run's nodes live: the server, the tracker and the clients in this process
    /// (<c>--hosts 0</c>), or as processes on hosts of their own (<see cref="HostedSwarm"/>).
    /// </summary>
    private sealed class Site(Uri serverUrl, Func<int, Uri> trackerFor, Func<ClientLaunch, CancellationToken, Task<ISwarmClient>> startClient,
        Func<int, ProcessCostMeter> costMeter, int hosts, string network, IAsyncDisposable nodes) : IAsyncDisposable
    {
        public Uri ServerUrl => serverUrl;
        public Uri TrackerFor(int client) => trackerFor(client);
        public Task<ISwarmClient> StartClient(ClientLaunch launch, CancellationToken ct) => startClient(launch, ct);
        public ProcessCostMeter CostMeter(int clients) => costMeter(clients);
        public int Hosts => hosts;
        public string Network => network;

        public static async Task<Site> StartAsync(SwarmSettings settings, SwarmParts parts, IProgress<string> say, CancellationToken ct)
        {
            if (settings.Hosts > 0)
            {
                var swarm = await HostedSwarm.StartAsync(settings.Hosts, settings.Clients, settings.Speed, settings.UplinkKbit, !settings.NoNamespaces,
                    settings.LibraryFolder, settings.Keys, say, ct).ConfigureAwait(false);
                var network = swarm.Namespaced
                    ? string.Create(CultureInfo.InvariantCulture, $"{settings.Hosts} client hosts, a server, {swarm.Trackers.Count} tracker(s) and Redis, each a network namespace on one bridge; each client's uplink {settings.UplinkKbit:0} kbit/s × the speed factor (tc tbf per host)")
                    : $"{settings.Hosts} client hosts, a server, {swarm.Trackers.Count} tracker(s){(swarm.Trackers.Count > 1 ? " and Redis" : "")} as processes on 127.0.0.1 (no namespaces: uplinks not capped)";
                return new Site(swarm.ServerUrl, swarm.TrackerFor, swarm.StartClientAsync, clients => new ProcessCostMeter(clients, swarm.ClientCost),
                    settings.Hosts, network, swarm);
            }
            Action<ILoggingBuilder>? logs = settings.Verbose ? l => l.AddSimpleConsole(o => o.SingleLine = true) : null;
            var host = await SwarmHost.StartAsync(settings.LibraryFolder, settings.Keys, logs, ct).ConfigureAwait(false);
            return new Site(host.ServerUrl, _ => host.TrackerUrl, parts.StartClient, clients => new ProcessCostMeter(clients), 0, RunSettings.OneProcess, host);
        }

        public ValueTask DisposeAsync() => nodes.DisposeAsync();
    }
}
