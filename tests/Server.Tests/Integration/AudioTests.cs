using System.Net;
using System.Net.Sockets;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>
/// The Kestrel route's own behaviour; what both front ends answer alike is <see cref="AudioContract"/>.
/// </summary>
[Collection(ServerCollection.Name)]
public class AudioTests(ServerFixture server)
{
    private const string Track = "aurora-1";

    [Fact]
    public async Task One_connection_carries_every_request_of_a_client_including_refusals()
    {
        int connections = 0;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = server.Authorized(handler);
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 10; i++)
        {
            foreach (var request in new[]
            {
                Get($"/tracks/{Track}/audio", $"bytes={i * 16384}-{i * 16384 + 16383}"),
                Get($"/tracks/{Track}/audio?from={i}&seconds=15"),
                Get($"/tracks/{Track}/audio", "bytes=99999999-"),
                Get("/tracks/no-such-track"),
            })
            {
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                Assert.False(response.Headers.ConnectionClose ?? false);
                statuses.Add(response.StatusCode);
            }
        }
        Assert.Equal(1, connections);
        Assert.Equal(40, statuses.Count);
        Assert.Contains(HttpStatusCode.RequestedRangeNotSatisfiable, statuses);
    }

    public static HttpRequestMessage Get(string path, string? range = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (range is not null) request.Headers.TryAddWithoutValidation("Range", range);
        return request;
    }
}
