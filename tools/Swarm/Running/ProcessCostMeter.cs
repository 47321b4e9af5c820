using System.Diagnostics;
using Spotify.Rx.Swarm.Report;

namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// The CPU time and threads of the processes that run the clients, over the listening period: what
/// the swarm costs per client. In-process, the main server and the tracker run in the same process,
/// so the per-client figure includes their share (an upper bound for a client alone); with
/// <c>--hosts</c> it is the client hosts' processes only.
/// </summary>
public sealed class ProcessCostMeter : IDisposable
{
    private readonly Func<(TimeSpan Cpu, int Threads)> _measure;
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _cpuAtStart;
    private readonly Timer _sampler;
    private readonly int _clients;
    private int _peakThreads;

    /// <summary>This process.</summary>
    public ProcessCostMeter(int clients) : this(clients, ThisProcess()) { }

    /// <param name="measure">The CPU time used so far and the threads alive now, of every process counted.</param>
    public ProcessCostMeter(int clients, Func<(TimeSpan Cpu, int Threads)> measure)
    {
        _clients = clients;
        _measure = measure;
        (_cpuAtStart, _peakThreads) = measure();
        _sampler = new Timer(_ => SampleThreads(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private static Func<(TimeSpan, int)> ThisProcess()
    {
        var self = Process.GetCurrentProcess();
        return () =>
        {
            self.Refresh();
            return (self.TotalProcessorTime, self.Threads.Count);
        };
    }

    private int SampleThreads()
    {
        var threads = _measure().Threads;
        int seen;
        while (threads > (seen = Volatile.Read(ref _peakThreads)) && Interlocked.CompareExchange(ref _peakThreads, threads, seen) != seen) { }
        return threads;
    }

    public ProcessCost Stop()
    {
        _sampler.Dispose();
        SampleThreads();
        var (now, threads) = _measure();
        var cpu = now - _cpuAtStart;
        var wall = _wall.Elapsed;
        return new ProcessCost(cpu, wall, _clients, cpu.TotalMilliseconds / Math.Max(1, _clients) / Math.Max(0.001, wall.TotalSeconds),
            Volatile.Read(ref _peakThreads), threads);
    }

    public void Dispose() => _sampler.Dispose();
}
