using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Spotify.Rx.Swarm.Report;
using Spotify.Rx.Swarm.Running;

// The README's first command: a main server, a tracker and a swarm of clients on 127.0.0.1,
// listening sessions from a seed, a live view, and the report the Spotify paper would give.
// Exit codes: 0 a clean run, 1 a run with failures, 2 bad usage, 130 stopped.
var defaults = new SwarmSettings();
Option<int> clients = new("--clients") { Description = "clients in the swarm", DefaultValueFactory = _ => defaults.Clients };
Option<double> duration = new("--duration") { Description = "seconds of wall time the listeners listen", DefaultValueFactory = _ => defaults.Duration.TotalSeconds };
Option<double> speed = new("--speed") { Description = "seconds of audio played per second of wall time", DefaultValueFactory = _ => defaults.Speed };
Option<int?> tracks = new("--tracks") { Description = "tracks in the catalogue (default: 16 for the demo catalogue, 120 for paper)" };
Option<double> zipf = new("--zipf") { Description = "Zipf exponent of track popularity", DefaultValueFactory = _ => defaults.ZipfExponent };
Option<string> cache = new("--cache") { Description = "cache policy: ttl30 (entries last 30 s) or lru", DefaultValueFactory = _ => defaults.CacheName };
cache.AcceptOnlyFromAmong("ttl30", "lru");
Option<int> seed = new("--seed") { Description = "seed of the listening sessions and the overlay", DefaultValueFactory = _ => defaults.Seed };
Option<string> output = new("--out") { Description = "folder for report.md, report.json and the charts", DefaultValueFactory = _ => defaults.Out };
Option<string?> library = new("--library") { Description = "the track library, generated there if missing (default: data/swarm-library, data/swarm-catalogue for paper)" };
Option<int> neighbours = new("--neighbours") { Description = "overlay neighbours each client starts with", DefaultValueFactory = _ => defaults.NeighboursPerClient };
Option<bool> noCharts = new("--no-charts") { Description = "write the report without PNG charts" };
Option<bool> plain = new("--plain") { Description = "print plain lines instead of the live view" };
Option<bool> verbose = new("--verbose") { Description = "log the nodes to the console (implies --plain)" };
// Paper-like experiment options.
Option<string> catalogue = new("--catalogue") { Description = "demo (16 tracks of 45-120 s) or paper (120 tracks of 3-5 min, larger than a cache)", DefaultValueFactory = _ => "demo" };
catalogue.AcceptOnlyFromAmong("demo", "paper");
Option<double> warmup = new("--warmup") { Description = "seconds of wall time at the start left out of the steady-state figures", DefaultValueFactory = _ => 0 };
Option<bool> compareCache = new("--compare-cache") { Description = "run the same workload with ttl30 and with lru and report them side by side" };
Option<string?> cacheDir = new("--cache-dir") { Description = "keep each client's LRU cache on disk under this folder (emptied at the start of each run)" };
Option<int> hosts = new("--hosts") { Description = "0: everything in this process; N: server, two trackers on one Redis and N hosts of clients as processes, each in a network namespace (needs root)", DefaultValueFactory = _ => defaults.Hosts };
Option<bool> noNamespaces = new("--no-namespaces") { Description = "with --hosts: the processes on 127.0.0.1, no namespaces and no uplink caps, even as root" };
Option<double> uplink = new("--uplink") { Description = "with --hosts: each client's uplink in kbit/s of audio time (a host's tbf cap is this x its clients x --speed)", DefaultValueFactory = _ => defaults.UplinkKbit };

var root = new RootCommand("Runs a Spotify.Rx swarm on this machine and reports it like the Spotify paper.")
{
    clients, duration, speed, tracks, zipf, cache, seed, output, library, neighbours, noCharts, plain, verbose,
    catalogue, warmup, compareCache, cacheDir, hosts, uplink, noNamespaces,
};

// One host of a --hosts run: the coordinator (this same executable) starts it in the host's namespace.
Option<string> address = new("--address") { Description = "this host's address on the LAN, which the other hosts dial", Required = true };
var host = new Command("host", "runs clients for a --hosts run: commands on standard input, events on standard output (JSON lines)") { address };
host.Hidden = true;
host.SetAction(async (parse, ct) =>
{
    var agent = new Spotify.Rx.Swarm.Hosts.HostAgent(parse.GetValue(address)!, NodeParts.StartInProcessAsync);
    using var input = new StreamReader(Console.OpenStandardInput());
    await using var events = new StreamWriter(Console.OpenStandardOutput());
    await agent.RunAsync(input, events, ct);
    return 0;
});
root.Subcommands.Add(host);
root.SetAction(async (parse, ct) =>
{
    var settings = new SwarmSettings
    {
        Clients = parse.GetValue(clients),
        Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
        Speed = parse.GetValue(speed),
        Tracks = parse.GetValue(tracks),
        ZipfExponent = parse.GetValue(zipf),
        Cache = parse.GetValue(cache) == "lru" ? CacheChoice.Lru : CacheChoice.Ttl30,
        Seed = parse.GetValue(seed),
        Out = parse.GetValue(output)!,
        Library = parse.GetValue(library),
        NeighboursPerClient = parse.GetValue(neighbours),
        Charts = !parse.GetValue(noCharts),
        Live = parse.GetValue(plain) ? false : null,
        Verbose = parse.GetValue(verbose),
        Catalogue = parse.GetValue(catalogue) == "paper" ? CatalogueChoice.Paper : CatalogueChoice.Demo,
        Warmup = TimeSpan.FromSeconds(parse.GetValue(warmup)),
        CompareCache = parse.GetValue(compareCache),
        CacheDir = parse.GetValue(cacheDir),
        Hosts = parse.GetValue(hosts),
        UplinkKbit = parse.GetValue(uplink),
        NoNamespaces = parse.GetValue(noNamespaces),
    };
    var console = AnsiConsole.Console;
    try
    {
        return await SwarmCommand.RunAsync(settings, NodeParts.For(settings.Catalogue), console, ct);
    }
    catch (Exception e) when (e is ArgumentOutOfRangeException or NotSupportedException)
    {
        // The reason only: not the parameter's C# name and value the exception appends.
        Console.Error.WriteLine(e.Message.Split(" (Parameter")[0]);
        return 2;
    }
    catch (OperationCanceledException) when (ct.IsCancellationRequested)
    {
        console.MarkupLine("[yellow]stopped[/]");
        return 130;
    }
});
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Bad usage is exit code 2 with the reasons (System.CommandLine's own is 1, the code of a failed run).
    foreach (var error in parse.Errors) Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("Run 'dotnet run --project tools/Swarm -- --help' for the usage.");
    return 2;
}
return await parse.InvokeAsync();
