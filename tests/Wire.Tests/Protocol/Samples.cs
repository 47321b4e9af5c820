using System.Net;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Protocol.Messages;

namespace Spotify.Rx.Wire.Tests.Protocol;

/// <summary>One valid message of every type, for round trips and as seeds for mutation.</summary>
public static class Samples
{
    public static readonly IReadOnlyList<IWireMessage> Messages =
    [
        new Hello(Hello.CurrentVersion, "eyJhbGciOiJFUzI1NiJ9.e30.c2ln", 40001),
        new Search(7, "track-42", 1, ""),
        new Search(7, "track-42", 0, "peer-a"),
        new Have(7, "track-42", "peer-c", new IPEndPoint(IPAddress.Loopback, 40003), 2, "peer-a"),
        new Have(8, "track-42", "peer-c", new IPEndPoint(IPAddress.IPv6Loopback, 40003), 1, ""),
        new Request("track-42", 3),
        new Chunk("track-42", 3, Enumerable.Range(0, 16 * 1024).Select(i => (byte)(i * 31)).ToArray()),
        new Cancel("track-42", 3),
        new Busy("track-42", 3, 2),
        new Missing("track-42", 9),
        new Goodbye(CloseReason.ConnectionLimit, "connection limit reached (60 open)"),
    ];
}
