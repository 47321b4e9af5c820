using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;

namespace Spotify.Rx.WireBench;

/// <summary>iperf3 on loopback in the same run: the ceiling the wire protocol is measured against.</summary>
internal static class Iperf
{
    /// <summary>Bytes per second received, and the CPU both ends used (in cores, e.g. 0.9 = 90 % of one core).</summary>
    public static async Task<(double BytesPerSecond, double Cores)?> LoopbackAsync(int seconds)
    {
        var port = FreePort();
        using var server = Start($"-s -1 -p {port}");
        if (server is null) return null;
        try
        {
            await WaitListeningAsync(port);
            using var client = Start($"-c 127.0.0.1 -p {port} -t {seconds} -J")!;
            var json = await client.StandardOutput.ReadToEndAsync();
            await client.WaitForExitAsync();
            using var doc = JsonDocument.Parse(json);
            var end = doc.RootElement.GetProperty("end");
            var cpu = end.GetProperty("cpu_utilization_percent");
            return (end.GetProperty("sum_received").GetProperty("bits_per_second").GetDouble() / 8,
                (cpu.GetProperty("host_total").GetDouble() + cpu.GetProperty("remote_total").GetDouble()) / 100);
        }
        finally
        {
            if (!server.HasExited) server.Kill();
        }
    }

    private static Process? Start(string arguments)
    {
        try
        {
            return Process.Start(new ProcessStartInfo("iperf3", arguments) { RedirectStandardOutput = true, RedirectStandardError = true });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static async Task WaitListeningAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        // iperf3 -s -1 serves one client: probing it with a connection would use that up, so only look for the socket.
        while (!IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners().Any(e => e.Port == port))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("iperf3 did not start listening");
            await Task.Delay(50);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
