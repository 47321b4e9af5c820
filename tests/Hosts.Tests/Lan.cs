using System.Diagnostics;

namespace Spotify.Rx.Hosts.Tests;

/// <summary>
/// A LAN of hosts made of Linux network namespaces: one namespace holds a bridge, each host is a
/// namespace with an <c>eth0</c> on it (<see cref="Subnet"/>.N/24), and the test's own namespace gets
/// .1 on it too, so the test can reach the nodes. Everything it makes is named <see cref="Prefix"/>
/// and the test process's id, is removed on dispose, and what runs that are gone left is removed at start.
/// </summary>
public sealed class Lan : IDisposable
{
    /// <summary>Every namespace of any run starts so; the process id that follows tells whose it is.</summary>
    public const string Prefix = "srx-ovl-";
    // Per test process, so two runs on one machine neither share nor remove each other's LAN.
    private static readonly int Run = Environment.ProcessId;
    private static readonly string Own = $"{Prefix}{Run}-";
    /// <summary>The LAN's /24, 10.77.N.0 with N from the process id.</summary>
    public static readonly string Subnet = $"10.77.{Run % 250 + 1}";
    private static readonly string Bridge = Own + "lan";
    // An interface name has at most 15 characters: "srx-ovl-" and up to 7 digits.
    private static readonly string TestSide = Prefix + Run;

    private readonly List<string> _namespaces = [];

    private Lan() { }

    /// <summary>The address of the test's own end on the LAN.</summary>
    public static string TestAddress => Subnet + ".1";

    /// <summary>
    /// Why namespaces cannot be made here (not Linux, not root, no <c>ip</c>, not permitted), or null when they can.
    /// </summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces are Linux only";
        if (!Environment.IsPrivilegedProcess) return "creating network namespaces needs root (CI runs as root)";
        var probe = Own + "probe";
        var (code, output) = Ip("netns", "add", probe);
        if (code != 0) return $"'ip netns add' failed: {output.Trim()} (is iproute2 installed? apt-get install iproute2)";
        Ip("netns", "del", probe);
        return null;
    }

    /// <summary>Makes the bridge and one host per name, at <see cref="Subnet"/>.(its number).</summary>
    public static Lan Create(IReadOnlyList<(string Name, int Host)> hosts)
    {
        RemoveLeftovers();
        var lan = new Lan();
        try
        {
            lan.AddNamespace(Bridge);
            Must("netns", "exec", Bridge, "ip", "link", "add", "br0", "type", "bridge");
            Must("netns", "exec", Bridge, "ip", "link", "set", "br0", "up");
            foreach (var (name, host) in hosts)
            {
                var ns = NamespaceOf(name);
                lan.AddNamespace(ns);
                Must("netns", "exec", ns, "ip", "link", "set", "lo", "up");
                // One veth pair per host: "eth0" in the host, its other end on the bridge.
                Must("netns", "exec", Bridge, "ip", "link", "add", "v-" + name, "type", "veth", "peer", "name", "eth0", "netns", ns);
                Must("netns", "exec", Bridge, "ip", "link", "set", "v-" + name, "master", "br0", "up");
                Must("netns", "exec", ns, "ip", "addr", "add", $"{Subnet}.{host}/24", "dev", "eth0");
                Must("netns", "exec", ns, "ip", "link", "set", "eth0", "up");
            }
            // The test's own end, so it can ask the tracker what it recorded.
            Must("link", "add", TestSide, "type", "veth", "peer", "name", "v-test", "netns", Bridge);
            Must("netns", "exec", Bridge, "ip", "link", "set", "v-test", "master", "br0", "up");
            Must("addr", "add", $"{TestAddress}/24", "dev", TestSide);
            Must("link", "set", TestSide, "up");
            return lan;
        }
        catch
        {
            lan.Dispose();
            throw;
        }
    }

    public static string NamespaceOf(string host) => Own + host;

    /// <summary>Caps what <paramref name="host"/> sends (its uplink) with a token bucket.</summary>
    public static void CapUplink(string host, string rate) =>
        Must("netns", "exec", NamespaceOf(host), "tc", "qdisc", "replace", "dev", "eth0", "root", "tbf", "rate", rate, "burst", "32kb", "latency", "400ms");

    private void AddNamespace(string ns)
    {
        Must("netns", "add", ns);
        _namespaces.Add(ns);
    }

    public void Dispose()
    {
        // The test's end goes with its peer in the bridge namespace; deleting it first is only tidier.
        Ip("link", "del", TestSide);
        foreach (var ns in Enumerable.Reverse(_namespaces)) Ip("netns", "del", ns);
    }

    /// <summary>What earlier runs that were killed before their cleanup left behind (a live run's LAN stays).</summary>
    private static void RemoveLeftovers()
    {
        Ip("link", "del", TestSide);
        var (_, list) = Ip("netns", "list");
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ns = line.Split(' ')[0];
            if (!ns.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            var owner = ns[Prefix.Length..].Split('-')[0];
            if (int.TryParse(owner, out var ownerPid) && ownerPid != Run && Alive(ownerPid)) continue;
            // Processes an earlier run of this test left in it (its own nodes): by their pids.
            var (_, pids) = Ip("netns", "pids", ns);
            foreach (var entry in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (int.TryParse(entry, out var id)) TryKill(id);
            Ip("netns", "del", ns);
        }
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
        try { Process.GetProcessById(pid).Kill(entireProcessTree: true); }
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
