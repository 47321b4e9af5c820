using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Spotify.Rx.Wire.Protocol;
using Spotify.Rx.Wire.Protocol.Messages;

namespace Spotify.Rx.Wire.Tests.Support;

/// <summary>A hand-driven socket that speaks (or mis-speaks) the wire protocol to a node.</summary>
public sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private ReadOnlySequence<byte> _pending = ReadOnlySequence<byte>.Empty;
    private byte[] _held = [];

    private RawPeer(Socket socket) => _socket = socket;

    /// <summary>Connects, from <paramref name="from"/> when given (any 127.0.0.0/8 address is this host, as another peer would be).</summary>
    public static async Task<RawPeer> ConnectAsync(IPEndPoint endpoint, int? receiveBuffer = null, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBuffer is { } size) socket.ReceiveBufferSize = size;
        if (from is not null) socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(endpoint).WaitAsync(TestSwarm.Patience);
        return new RawPeer(socket);
    }

    /// <summary>Connects and completes the handshake with a valid HELLO.</summary>
    public static async Task<RawPeer> HandshakeAsync(IPEndPoint endpoint, string token, int? receiveBuffer = null)
    {
        var peer = await ConnectAsync(endpoint, receiveBuffer);
        await peer.SendAsync(new Hello(Hello.CurrentVersion, token, 0));
        var answer = await peer.ReadAsync();
        Assert.IsType<Hello>(answer);
        return peer;
    }

    public Task SendAsync(IWireMessage message) => SendAsync(FrameCodec.Encode(message));

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None).WaitAsync(TestSwarm.Patience);

    public void StopSending() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>The next frame from the node, or null when it closed the stream.</summary>
    public async Task<IWireMessage?> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(TestSwarm.Patience);
        while (true)
        {
            var buffer = _pending;
            var decoded = FrameCodec.TryDecode(ref buffer);
            if (decoded.Status == DecodeStatus.Decoded)
            {
                _pending = buffer;
                return decoded.Message;
            }
            Assert.NotEqual(DecodeStatus.Invalid, decoded.Status);
            var chunk = new byte[64 * 1024];
            int read;
            try
            {
                read = await _socket.ReceiveAsync(chunk, SocketFlags.None, timeout.Token);
            }
            catch (SocketException)
            {
                return null;
            }
            if (read == 0) return null;
            _held = [.. _pending.ToArray(), .. chunk.AsSpan(0, read)];
            _pending = new ReadOnlySequence<byte>(_held);
        }
    }

    /// <summary>Reads until the node's GOODBYE (returned) or the end of the stream (null).</summary>
    public async Task<Goodbye?> ReadUntilGoodbyeAsync()
    {
        while (await ReadAsync() is { } message)
            if (message is Goodbye goodbye) return goodbye;
        return null;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
