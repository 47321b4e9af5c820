using System.Net;
using System.Net.Sockets;

namespace Spotify.Rx.Testing;

/// <summary>A free TCP port on 127.0.0.1, for tests that start real nodes.</summary>
public static class FreePort
{
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
