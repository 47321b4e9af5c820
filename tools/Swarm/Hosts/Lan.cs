using System.Diagnostics;
using System.Globalization;

namespace Spotify.Rx.Swarm.Hosts;

/// <summary>
/// A LAN of hosts made of Linux network namespaces: one namespace holds a bridge, each host is a
/// namespace with an <c>eth0</c> on it (<see cref="Subnet"/>.N/24), and, if asked, this process's own
/// namespace gets .1 on it too. Everything it makes is named after its prefix and this process's id,
/// is removed on dispose, and what runs that are gone left behind is removed when one is made.
/// </summary>
public sealed class Lan : IDisposable
{
    private readonly string _prefix;
    private readonly string _own;
    private readonly string _bridge;
    // An interface name has at most 15 characters: the prefix (≤ 8) and up to 7 digits.
    private readonly string _ownSide;
    private readonly bool _withOwnEnd;
    private readonly List<string> _namespaces = [];

    private Lan(string prefix, string network, bool withOwnEnd)
    {
        _prefix = prefix;
        _own = $"{prefix}{Environment.ProcessId}-";
        _bridge = _own + "lan";
        _ownSide = prefix + Environment.ProcessId;
        _withOwnEnd = withOwnEnd;
        Subnet = SubnetFor(network);
    }

    /// <summary>The LAN's /24: <paramref name="network"/>.N.0 with N from this process's id, so two runs on one machine stay apart.</summary>
    public static string SubnetFor(string network) => $"{network}.{Environment.ProcessId % 250 + 1}";

    public string Subnet { get; }

    /// <summary>The address of this process's own end on the LAN (when made with one).</summary>
    public string OwnAddress => Subnet + ".1";

    public string AddressOf(int host) => $"{Subnet}.{host}";

    /// <summary>
    /// Why namespaces cannot be made here (not Linux, not root, no <c>ip</c>, not permitted), or null when they can.
    /// </summary>
    public static string? Unavailable(string prefix)
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces are Linux only";
        if (!Environment.IsPrivilegedProcess) return "creating network namespaces needs root";
        var probe = $"{prefix}{Environment.ProcessId}-probe";
        var (code, output) = Ip("netns", "add", probe);
        if (code != 0) return $"'ip netns add' failed: {output.Trim()} (is iproute2 installed? apt-get install iproute2)";
        Ip("netns", "del", probe);
        return null;
    }

    /// <summary>Makes the bridge and one host per name, at <see cref="Subnet"/>.(its number).</summary>
    /// <param name="prefix">Starts every namespace's name; at most 8 characters.</param>
    /// <param name="network">The first two parts of the LAN's address, e.g. <c>10.77</c>.</param>
    public static Lan Create(string prefix, string network, IReadOnlyList<(string Name, int Host)> hosts, bool withOwnEnd)
    {
        if (prefix.Length > 8) throw new ArgumentException("a LAN's prefix has at most 8 characters (interface names have 15)", nameof(prefix));
        var lan = new Lan(prefix, network, withOwnEnd);
        lan.RemoveLeftovers();
        try
        {
            lan.AddNamespace(lan._bridge);
            Must("netns", "exec", lan._bridge, "ip", "link", "add", "br0", "type", "bridge");
            Must("netns", "exec", lan._bridge, "ip", "link", "set", "br0", "up");
            foreach (var (name, host) in hosts)
            {
                var ns = lan.NamespaceOf(name);
                lan.AddNamespace(ns);
                Must("netns", "exec", ns, "ip", "link", "set", "lo", "up");
                // One veth pair per host: "eth0" in the host, its other end on the bridge.
                Must("netns", "exec", lan._bridge, "ip", "link", "add", "v-" + name, "type", "veth", "peer", "name", "eth0", "netns", ns);
                Must("netns", "exec", lan._bridge, "ip", "link", "set", "v-" + name, "master", "br0", "up");
                Must("netns", "exec", ns, "ip", "addr", "add", $"{lan.AddressOf(host)}/24", "dev", "eth0");
                Must("netns", "exec", ns, "ip", "link", "set", "eth0", "up");
            }
            if (withOwnEnd)
            {
                Must("link", "add", lan._ownSide, "type", "veth", "peer", "name", "v-own", "netns", lan._bridge);
                Must("netns", "exec", lan._bridge, "ip", "link", "set", "v-own", "master", "br0", "up");
                Must("addr", "add", $"{lan.OwnAddress}/24", "dev", lan._ownSide);
                Must("link", "set", lan._ownSide, "up");
            }
            return lan;
        }
        catch
        {
            lan.Dispose();
            throw;
        }
    }

    public string NamespaceOf(string host) => _own + host;

    /// <summary>
    /// Caps what <paramref name="host"/> sends (its uplink) with a token bucket of <paramref name="kbit"/> kbit/s.
    /// The bucket holds at least 20 ms of the rate: a smaller one would cap below the rate at high rates.
    /// </summary>
    public void CapUplink(string host, double kbit)
    {
        var rate = string.Create(CultureInfo.InvariantCulture, $"{Math.Max(8, kbit):0}kbit");
        var burst = string.Create(CultureInfo.InvariantCulture, $"{Math.Max(32 * 1024, kbit * 1000 / 8 / 50):0}b");
        Must("netns", "exec", NamespaceOf(host), "tc", "qdisc", "replace", "dev", "eth0", "root", "tbf", "rate", rate, "burst", burst, "latency", "400ms");
    }

    /// <summary>The command line that runs <paramref name="command"/> on <paramref name="host"/>.</summary>
    public IReadOnlyList<string> On(string host, params IEnumerable<string> command) => ["ip", "netns", "exec", NamespaceOf(host), .. command];

    private void AddNamespace(string ns)
    {
        Must("netns", "add", ns);
        _namespaces.Add(ns);
    }

    public void Dispose()
    {
        // The own end goes with its peer in the bridge namespace; deleting it first is only tidier.
        if (_withOwnEnd) Ip("link", "del", _ownSide);
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            KillProcessesIn(ns);
            Ip("netns", "del", ns);
        }
    }

    /// <summary>What earlier runs that were killed before their cleanup left behind (a live run's LAN stays).</summary>
    private void RemoveLeftovers()
    {
        Ip("link", "del", _ownSide);
        var (_, list) = Ip("netns", "list");
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ns = line.Split(' ')[0];
            if (!ns.StartsWith(_prefix, StringComparison.Ordinal)) continue;
            var owner = ns[_prefix.Length..].Split('-')[0];
            if (int.TryParse(owner, out var ownerPid) && ownerPid != Environment.ProcessId && Alive(ownerPid)) continue;
            KillProcessesIn(ns);
            Ip("netns", "del", ns);
        }
    }

    /// <summary>A process left in a namespace keeps its sockets (and its port) alive after the namespace's name is gone.</summary>
    private static void KillProcessesIn(string ns)
    {
        var (_, pids) = Ip("netns", "pids", ns);
        foreach (var entry in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (int.TryParse(entry, out var id) && id != Environment.ProcessId) TryKill(id);
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryKill(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    private static void Must(params string[] args)
    {
        var (code, output) = Ip(args);
        if (code != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({code}): {output.Trim()}");
    }

    private static (int Code, string Output) Ip(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(start)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                p.Kill();
                return (-1, "timed out");
            }
            return (p.ExitCode, stdout.Result + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
