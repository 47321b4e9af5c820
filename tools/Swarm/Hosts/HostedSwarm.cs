using System.Globalization;
using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Hosts;

/// <summary>
/// The swarm of a <c>--hosts N</c> run as separate processes: Redis, the main server and two trackers
/// sharing that Redis each on a host of their own, and N hosts of clients (client i on host i mod N,
/// at tracker i mod 2). With network namespaces (Linux, root) every host is a namespace on one bridge
/// and each client host's uplink is capped with tc tbf; without, the same processes run on 127.0.0.1
/// with no cap, and the run says so.
/// </summary>
public sealed class HostedSwarm : IAsyncDisposable
{
    public const string Prefix = "srx-swm-";
    private const string Network = "10.78";
    private const int RedisHost = 5, ServerHost = 10, FirstTrackerHost = 11, FirstClientHost = 21;
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    private readonly List<NodeProcess> _processes = [];
    private readonly List<(NodeProcess Process, RemoteHost Host)> _hosts = [];
    private readonly List<Uri> _trackers = [];
    private Lan? _lan;

    private HostedSwarm() { }

    public Uri ServerUrl { get; private set; } = null!;
    public IReadOnlyList<Uri> Trackers => _trackers;
    public Uri TrackerFor(int client) => _trackers[client % _trackers.Count];
    /// <summary>Whether the hosts are namespaces with capped uplinks (false: processes on 127.0.0.1).</summary>
    public bool Namespaced => _lan is not null;
    public int Hosts => _hosts.Count;

    /// <summary>The CPU time and threads of the client hosts, together: what the clients cost.</summary>
    public (TimeSpan Cpu, int Threads) ClientCost()
    {
        var usage = _hosts.Select(h => h.Process.Usage()).ToList();
        return (usage.Aggregate(TimeSpan.Zero, (sum, u) => sum + u.Cpu), usage.Sum(u => u.Threads));
    }

    public Task<ISwarmClient> StartClientAsync(ClientLaunch launch, CancellationToken ct) =>
        _hosts[launch.Index % _hosts.Count].Host.StartClientAsync(launch with { TrackerUrl = TrackerFor(launch.Index) }, ct);

    /// <param name="uplinkKbit">One client's uplink in kbit/s of audio time; a host's cap is that × its clients × the speed factor.</param>
    /// <param name="namespaces">False: processes on 127.0.0.1 even where namespaces could be made.</param>
    public static async Task<HostedSwarm> StartAsync(int hosts, int clients, double speed, double uplinkKbit, bool namespaces,
        string libraryFolder, string keysFolder, IProgress<string> say, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hosts);
        var swarm = new HostedSwarm();
        try
        {
            await swarm.StartNodesAsync(hosts, clients, speed, uplinkKbit, namespaces, Path.GetFullPath(libraryFolder), Path.GetFullPath(keysFolder), say, ct).ConfigureAwait(false);
            return swarm;
        }
        catch
        {
            await swarm.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string ClientHostName(int host) => $"h{host + 1}";

    private async Task StartNodesAsync(int hosts, int clients, double speed, double uplinkKbit, bool namespaces, string library, string keys, IProgress<string> say, CancellationToken ct)
    {
        var names = new List<(string Name, int Host)> { ("redis", RedisHost), ("server", ServerHost), ("tracker1", FirstTrackerHost), ("tracker2", FirstTrackerHost + 1) };
        names.AddRange(Enumerable.Range(0, hosts).Select(h => (ClientHostName(h), FirstClientHost + h)));
        if ((namespaces ? Lan.Unavailable(Prefix) : "--no-namespaces") is { } why)
        {
            say.Report($"--hosts {hosts}: {why}, so the hosts run as processes on 127.0.0.1 and no uplink is capped");
        }
        else
        {
            // With this process's own end on the LAN: the swarm reads the server's counters at its address.
            _lan = Lan.Create(Prefix, Network, names, withOwnEnd: true);
            say.Report($"--hosts {hosts}: {names.Count} network namespaces on a bridge, {_lan.Subnet}.0/24");
        }
        string Address(string name) => _lan is null ? "127.0.0.1" : _lan.AddressOf(names.Single(n => n.Name == name).Host);
        int Port(int onLan) => _lan is null ? SwarmHost.FreeLoopbackPort() : onLan;
        IReadOnlyList<string> On(string name, params IEnumerable<string> command) => _lan is null ? command.ToList() : _lan.On(name, command);
        string Bind(string name) => _lan is null ? "127.0.0.1" : "0.0.0.0";

        // Redis: the trackers' one store.
        int redisPort = Port(6379);
        string? redis = null;
        try
        {
            var node = Start("redis", On("redis", "redis-server", "--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", Bind("redis"),
                "--save", "", "--appendonly", "no", "--protected-mode", "no"));
            await node.LineAsync(l => l.Contains("Ready to accept connections", StringComparison.Ordinal), StartBound, "start", ct).ConfigureAwait(false);
            redis = $"{Address("redis")}:{redisPort}";
        }
        catch (InvalidOperationException e)
        {
            say.Report($"no Redis ({e.Message.Split('\n')[0]}; apt-get install redis-server): one tracker keeps the peers in memory instead of two on one Redis");
        }

        var dll = (string name) => Path.Combine(AppContext.BaseDirectory, name);
        // Only the lines that say a node is up: a log line per request would cost the clients' CPU.
        string[] quiet = ["--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information"];

        int serverPort = Port(5080), audioPort = Port(5081);
        var server = Start("server", On("server", ["dotnet", dll("Spotify.Rx.Server.dll"), "--urls", $"http://{Bind("server")}:{serverPort}",
            $"--Server:AudioUrl=http://{Bind("server")}:{audioPort}", "--Server:DemoAccount=true",
            $"--Server:LibraryFolder={library}", $"--Server:SigningKeyFile={Path.Combine(keys, "server-signing.pem")}", .. quiet]));
        await server.LineAsync(l => l.Contains("Now listening on", StringComparison.Ordinal), StartBound, "start", ct).ConfigureAwait(false);
        ServerUrl = new Uri($"http://{Address("server")}:{serverPort}/");

        for (int t = 0; t < (redis is null ? 1 : 2); t++)
        {
            string name = $"tracker{t + 1}";
            int port = Port(7070);
            var tracker = Start(name, On(name, ["dotnet", dll("Spotify.Rx.Tracker.dll"), "--urls", $"http://{Bind(name)}:{port}",
                $"--Tracker:JwksUrl={new Uri(ServerUrl, "/.well-known/jwks.json")}",
                .. redis is null ? Array.Empty<string>() : [$"--Tracker:Redis={redis}", $"--Tracker:RedisKeyPrefix=spotify-rx:swarm-{Environment.ProcessId}:"],
                .. quiet]));
            await tracker.LineAsync(l => l.Contains("Now listening on", StringComparison.Ordinal), StartBound, "start", ct).ConfigureAwait(false);
            _trackers.Add(new Uri($"http://{Address(name)}:{port}/"));
        }

        for (int h = 0; h < hosts; h++)
        {
            string name = ClientHostName(h);
            int onHost = clients / hosts + (h < clients % hosts ? 1 : 0);
            if (_lan is not null && onHost > 0)
                _lan.CapUplink(name, uplinkKbit * onHost * speed);
            RemoteHost? remote = null;
            var process = Start(name, On(name, "dotnet", typeof(HostAgent).Assembly.Location, "host", "--address", Address(name)),
                // Many host processes share two cores: one heap each, collected on the side.
                new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" },
                onOutput: line => remote?.OnLine(line), withInput: true);
            remote = new RemoteHost(name, process.WriteLine);
            _ = process.Exited.ContinueWith(t => remote.Gone($"{name} exited with code {t.Result}\n{process.LastLines()}"), TaskScheduler.Default);
            _hosts.Add((process, remote));
        }
        say.Report($"server {ServerUrl}, trackers {string.Join(", ", _trackers)}{(redis is null ? "" : $" on Redis {redis}")}, {hosts} client hosts"
            + (_lan is null ? "" : FormattableString.Invariant($", each client's uplink {uplinkKbit:0} kbit/s × {speed}x (tbf per host)")));
    }

    private NodeProcess Start(string name, IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment = null,
        Action<string>? onOutput = null, bool withInput = false)
    {
        var process = NodeProcess.Start(name, command, environment, onOutput, withInput);
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        // A host stops its clients when its input ends; it gets a moment for that before it is killed.
        foreach (var (process, _) in _hosts) process.CloseInput();
        await Task.WhenAll(_hosts.Select(h => h.Process.Exited)).WaitAsync(TimeSpan.FromSeconds(10))
            .ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        foreach (var (_, host) in _hosts) host.Dispose();
        foreach (var process in Enumerable.Reverse(_processes)) process.Dispose();
        _lan?.Dispose();
    }
}
