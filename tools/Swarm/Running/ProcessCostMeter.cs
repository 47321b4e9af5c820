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
    // CPU used by each second of the listening, so the start burst and the rest can be told apart.
    private readonly List<(TimeSpan Wall, TimeSpan Cpu)> _samples = [];
    private int _peakThreads;

    /// <summary>This process.</summary>
    public ProcessCostMeter(int clients) : this(clients, ThisProcess()) { }

    /// <param name="measure">The CPU time used so far and the threads alive now, of every process counted.</param>
    public ProcessCostMeter(int clients, Func<(TimeSpan Cpu, int Threads)> measure)
    {
        _clients = clients;
        _measure = measure;
        (_cpuAtStart, _peakThreads) = measure();
        _samples.Add((TimeSpan.Zero, _cpuAtStart));
        _sampler = new Timer(_ => Sample(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
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

    private void Sample()
    {
        var (cpu, threads) = _measure();
        NotePeak(threads);
        lock (_samples) _samples.Add((_wall.Elapsed, cpu));
    }

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
        double? laterHalf;
        lock (_samples)
        {
            _samples.Add((wall, now));
            laterHalf = LaterHalfMsPerClientPerSecond(_samples, _clients);
        }
        double? busy = _machineAtStart is { } before && MachineTicks() is { } after && after.All > before.All
            ? (double)(after.Busy - before.Busy) / (after.All - before.All)
            : null;
        return new ProcessCost(cpu, wall, _clients, cpu.TotalMilliseconds / Math.Max(1, _clients) / Math.Max(0.001, wall.TotalSeconds),
            Volatile.Read(ref _peakThreads), threads, busy, laterHalf);
    }

    /// <summary>
    /// CPU ms per client per wall second over the later half of the samples' span (from the first
    /// sample at or past its middle to the last): the run without its start, when every client starts
    /// its first play and the process is still cold. Null when no sample lies between.
    /// </summary>
    public static double? LaterHalfMsPerClientPerSecond(IReadOnlyList<(TimeSpan Wall, TimeSpan Cpu)> samples, int clients)
    {
        if (samples.Count < 2) return null;
        var end = samples[^1];
        var middle = end.Wall / 2;
        foreach (var sample in samples)
        {
            if (sample.Wall < middle) continue;
            var wall = end.Wall - sample.Wall;
            if (wall <= TimeSpan.Zero) return null;
            return (end.Cpu - sample.Cpu).TotalMilliseconds / Math.Max(1, clients) / wall.TotalSeconds;
        }
        return null;
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
