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
    private readonly (long Busy, long All)? _machineAtStart = MachineTicks();
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

    private void SampleThreads() => NotePeak(_measure().Threads);

    private void NotePeak(int threads)
    {
        int seen;
        while (threads > (seen = Volatile.Read(ref _peakThreads)) && Interlocked.CompareExchange(ref _peakThreads, threads, seen) != seen) { }
    }

    public ProcessCost Stop()
    {
        _sampler.Dispose();
        var (now, threads) = _measure();
        NotePeak(threads);
        var cpu = now - _cpuAtStart;
        var wall = _wall.Elapsed;
        double? busy = _machineAtStart is { } before && MachineTicks() is { } after && after.All > before.All
            ? (double)(after.Busy - before.Busy) / (after.All - before.All)
            : null;
        return new ProcessCost(cpu, wall, _clients, cpu.TotalMilliseconds / Math.Max(1, _clients) / Math.Max(0.001, wall.TotalSeconds),
            Volatile.Read(ref _peakThreads), threads, busy);
    }

    /// <summary>
    /// The machine's busy and total CPU ticks so far (Linux /proc/stat): whether the cores were saturated
    /// says whether a latency figure measures the swarm or the queue for a core. The ticks are sampled,
    /// so short bursts of work go partly unseen: a lower bound.
    /// </summary>
    private static (long Busy, long All)? MachineTicks()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cpu[0] != "cpu") return null;
            var ticks = cpu.Skip(1).Take(8).Select(t => long.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            long all = ticks.Sum(), idle = ticks[3] + ticks[4];
            return (all - idle, all);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public void Dispose() => _sampler.Dispose();
}
