using Spotify.Rx.Swarm.Report;
using Spotify.Rx.Swarm.Running;
using Spotify.Rx.Swarm.Testing;
using Spotify.Rx.Testing;
using Xunit.Abstractions;

namespace Spotify.Rx.Swarm.Tests;

/// <summary>
/// <c>--hosts 2 --no-namespaces</c>: the server, the tracker(s) and two hosts of clients as real
/// processes on 127.0.0.1, the way a run without root goes. The namespaced run is <c>tests/Hosts.Tests</c>'.
/// </summary>
public sealed class LoopbackHostsTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Listening = TimeSpan.FromSeconds(20);
    /// <summary>Five processes start on two cores before the listening begins; a hang does not fit.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(150);

    private readonly string _work = TestLibrary.TempFolder("loopback-hosts");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Without_namespaces_the_hosts_are_processes_on_loopback_and_every_client_plays()
    {
        var library = await TestLibrary.GetAsync().WaitAsync(Bound);
        var settings = SmallSwarm.Settings(library, _work, clients: 4, Listening) with { Hosts = 2, NoNamespaces = true };

        var (report, observed, printed) = await SmallSwarm.RunAsync(settings, library, Bound, output.WriteLine);

        Assert.Contains("--no-namespaces", printed);
        Assert.Empty(report.Failures);
        Assert.Contains("processes on 127.0.0.1", report.Settings.Network);
        Assert.Contains("--hosts 2", report.Settings.Command);
        var joins = observed.Events.Where(e => e.Kind == "join").ToList();
        Assert.Equal(4, joins.Count);
        Assert.All(joins, j => Assert.StartsWith("127.0.0.1:", j.Detail));
        Assert.Equal(4, observed.Plays.Select(p => p.Play.PeerId).Distinct().Count());
        Assert.Equal(observed.Plays.Sum(p => p.Play.ServerBytes + p.Play.PeerBytes + p.Play.CacheBytes), report.Bytes.Total);
        Assert.True(report.Cost!.Cpu > TimeSpan.Zero, "the hosts' CPU was not measured");
        var sent = Assert.IsType<ServerSent>(report.ServerSent);
        Assert.True(sent.Run >= report.Bytes.Server, $"the server counted {sent.Run} bytes sent, the clients kept {report.Bytes.Server}");
    }
}
