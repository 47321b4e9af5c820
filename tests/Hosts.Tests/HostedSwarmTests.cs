using System.Diagnostics;
using Spotify.Rx.Swarm.Hosts;
using Spotify.Rx.Swarm.Report;
using Spotify.Rx.Swarm.Running;
using Spotify.Rx.Swarm.Testing;
using Spotify.Rx.Testing;
using Xunit.Abstractions;

namespace Spotify.Rx.Hosts.Tests;

/// <summary>
/// The swarm command's <c>--hosts</c> run: Redis, the server, two trackers and three hosts of clients
/// as separate processes, each in a network namespace of its own, client uplinks capped with tbf.
/// </summary>
public sealed class HostedSwarmTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Listening = TimeSpan.FromSeconds(30);
    /// <summary>Eight processes start on two cores before the listening begins; a hang does not fit.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    [SkippableFact]
    public async Task Clients_on_three_hosts_play_get_tracks_from_peers_on_other_hosts_and_leave_no_namespace_behind()
    {
        var unavailable = Lan.Unavailable(HostedSwarm.Prefix);
        if (unavailable is not null && string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail("CI must run the hosts swarm, but " + unavailable);
        Skip.If(unavailable is not null, unavailable);

        var work = TestLibrary.TempFolder("hosted-swarm");
        var library = await TestLibrary.GetAsync().WaitAsync(Bound);
        var settings = SmallSwarm.Settings(library, work, clients: 9, Listening) with { Hosts = 3 };
        var clock = Stopwatch.StartNew();

        var (report, observed, _) = await SmallSwarm.RunAsync(settings, library, Bound, output.WriteLine);
        output.WriteLine(MarkdownReport.Render(report));

        Assert.True(clock.Elapsed < Bound, $"the run took {clock.Elapsed}");
        Assert.Empty(report.Failures);
        Assert.Equal(3, report.Settings.Hosts);
        Assert.Contains("network namespace", report.Settings.Network);
        Assert.Contains("2 tracker(s)", report.Settings.Network);

        // Every client joined at its host's address on the LAN, none on loopback, three hosts in all.
        var joins = observed.Events.Where(e => e.Kind == "join").ToList();
        Assert.Equal(9, joins.Count);
        var subnet = Lan.SubnetFor("10.78") + ".";
        Assert.All(joins, j => Assert.StartsWith(subnet, j.Detail));
        Assert.Equal(3, joins.Select(j => j.Detail.Split(':')[0]).Distinct().Count());

        // Every client played, and the bytes add up with some of them from peers on other hosts.
        var plays = observed.Plays.Select(p => p.Play).ToList();
        Assert.Equal(9, plays.Select(p => p.PeerId).Distinct().Count());
        Assert.True(report.Bytes.Peers > 0, $"no bytes from peers:\n{MarkdownReport.Render(report)}");
        Assert.Equal(plays.Sum(p => p.ServerBytes + p.PeerBytes + p.CacheBytes), report.Bytes.Total);
        var steady = Assert.IsType<SteadyState>(report.SteadyState);
        Assert.Equal(1.0, steady.Server + steady.Peers + steady.Cache, precision: 9);
        Assert.True(report.Cost!.Cpu > TimeSpan.Zero, "the client hosts' CPU was not measured");
        // The server's own count, read across the LAN: at least what the clients kept from it.
        var sent = Assert.IsType<ServerSent>(report.ServerSent);
        Assert.True(sent.Run >= report.Bytes.Server, $"the server counted {sent.Run} bytes sent, the clients kept {report.Bytes.Server}");

        // The run cleaned up after itself: no namespace of this process's is left.
        var (_, namespaces) = Run("ip", "netns", "list");
        Assert.DoesNotContain($"{HostedSwarm.Prefix}{Environment.ProcessId}-", namespaces);
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit(10_000);
        return (p.ExitCode, text);
    }
}
