using System.Diagnostics;
using Spotify.Rx.Swarm.Report;

namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// The process's CPU time and threads over the listening period: what the swarm costs per client.
/// The main server and the tracker run in this process too, so the per-client figure includes
/// their share (an upper bound for a client alone).
/// </summary>
public sealed class ProcessCostMeter : IDisposable
{
    private readonly Process _self = Process.GetCurrentProcess();
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _cpuAtStart;
    private readonly Timer _sampler;
    private readonly int _clients;
    private int _peakThreads;

    public ProcessCostMeter(int clients)
    {
        _clients = clients;
        _self.Refresh();
        _cpuAtStart = _self.TotalProcessorTime;
        _peakThreads = _self.Threads.Count;
        _sampler = new Timer(_ => SampleThreads(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private void SampleThreads()
    {
        _self.Refresh();
        var threads = _self.Threads.Count;
        int seen;
        while (threads > (seen = Volatile.Read(ref _peakThreads)) && Interlocked.CompareExchange(ref _peakThreads, threads, seen) != seen) { }
    }

    public ProcessCost Stop()
    {
        _sampler.Dispose();
        SampleThreads();
        _self.Refresh();
        var cpu = _self.TotalProcessorTime - _cpuAtStart;
        var wall = _wall.Elapsed;
        return new ProcessCost(cpu, wall, _clients, cpu.TotalMilliseconds / Math.Max(1, _clients) / Math.Max(0.001, wall.TotalSeconds),
            Volatile.Read(ref _peakThreads), _self.Threads.Count);
    }

    public void Dispose() => _sampler.Dispose();
}
