using Spotify.Rx.Streams.Gates;

namespace Spotify.Rx.Swarm.Running;

/// <summary>
/// How many peer connections each client may hold when every client lives in this one process. The
/// process holds both ends of each connection between two of its clients, and the kernel limits the
/// file descriptors one process may open: at the paper's 60 connections, 500 clients would need
/// 60,000, and a process that runs out dies outright (seen here with a limit of 20,000). Each client
/// also keeps a few sockets of its own (server, audio endpoint, tracker, its listener).
/// </summary>
public static class DescriptorBudget
{
    private const int PerClientOwn = 8;
    private const int ForTheProcess = 500;

    /// <summary>The paper's limit when it fits, else as many as fit (at least 1).</summary>
    public static int ConnectionsPerClient(int clients, long openFilesLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clients);
        var perClient = (openFilesLimit - ForTheProcess) / clients - PerClientOwn;
        return (int)Math.Clamp(perClient / 2, 1, ConnectionGate.SpotifyLimit);
    }

    /// <summary>This process's soft limit on open files, or null where it cannot be read (not Linux).</summary>
    public static long? OpenFilesLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return soft == "unlimited" ? long.MaxValue : long.Parse(soft, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return null;
    }
}
