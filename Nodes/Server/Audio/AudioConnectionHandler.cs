using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;
using Spotify.Rx.Server.Auth;
using Spotify.Rx.Server.Tracks;

namespace Spotify.Rx.Server.Audio;

/// <summary>
/// The sendfile audio endpoint (<c>Server:AudioUrl</c>): <c>GET</c>/<c>HEAD /tracks/{id}/audio</c> over
/// HTTP/1.1 keep-alive on a Kestrel endpoint that runs this handler instead of Kestrel's HTTP stack.
/// Requests are read from Kestrel's input pipe; every response is written straight on the socket, never
/// through <c>Transport.Output</c>: the head from a per-connection buffer, then the byte range of the
/// track's file (leased from <see cref="OpenTrackFiles"/>) with <see cref="Socket.SendPacketsAsync"/>, which on Linux is sendfile(2) with an
/// explicit offset, so the kernel moves page-cache pages to the socket with no copy in this process.
/// What is served (status, bytes, reasons) is decided by <see cref="AudioParts"/>, as on the Kestrel route.
/// </summary>
public sealed class AudioConnectionHandler(AudioParts parts, BearerAuth auth, IOptions<ServerOptions> options,
    ILogger<AudioConnectionHandler> log, ServerMetrics metrics) : ConnectionHandler
{
    private readonly TimeSpan _keepAlive = options.Value.AudioKeepAliveTimeout;
    private readonly AudioParts _parts = parts;
    private readonly BearerAuth _auth = auth;
    private readonly ServerMetrics _metrics = metrics;
    private readonly bool _fastPath = options.Value.AudioSendfileFastPath && LinuxSendfile.IsAvailable;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is null)
        {
            log.LogError("The audio endpoint needs Kestrel's socket transport; connection {Id} closed", connection.ConnectionId);
            return;
        }
        _metrics.AudioConnections.Inc();
        var session = new Session(this, connection, socket);
        try
        {
            await session.RunAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or ConnectionResetException
                                      or ConnectionAbortedException or OperationCanceledException or InvalidOperationException)
        {
            // The client went away, mid-response or between requests: only this connection ends.
            log.LogDebug("Audio connection {Id} ended: {Reason}", connection.ConnectionId, e.Message);
        }
        finally
        {
            session.Dispose();
        }
    }

    /// <summary>One connection: its parser, its buffers, its sender; requests answered one after the other.</summary>
    private sealed class Session(AudioConnectionHandler owner, ConnectionContext connection, Socket socket) : IDisposable
    {
        private const int HeadBufferBytes = 512;
        private readonly PipeReader _input = connection.Transport.Input;
        private readonly AudioRequestHead _head = new();
        private readonly byte[] _responseHead = ArrayPool<byte>.Shared.Rent(HeadBufferBytes);
        private readonly PacketSender _sender = new();
        private readonly SendPacketsElement[] _packets = new SendPacketsElement[2];
        private readonly SendPacketsElement[] _filePacket = new SendPacketsElement[1];
        private ArrayBufferWriter<byte>? _problem;
        private CancellationTokenSource? _deadline;

        public async Task RunAsync()
        {
            var stopping = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
            // One deadline for the next complete request head: the keep-alive idle time and a bound on a
            // head that trickles in. Server shutdown cancels it too, so idle connections close at once.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            _deadline = deadline;
            // A deadline that passes while a response is being sent (a client that stopped reading)
            // has nothing to cancel but the connection itself.
            using var abort = deadline.Token.UnsafeRegister(static c => ((ConnectionContext)c!).Abort(), connection);
            deadline.CancelAfter(owner._keepAlive);
            while (true)
            {
                ReadResult read;
                try
                {
                    read = await _input.ReadAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                var buffer = read.Buffer;
                bool close = false;
                while (!buffer.IsEmpty)
                {
                    var status = _head.Parse(buffer);
                    if (status == HeadStatus.Incomplete) break;
                    if (status == HeadStatus.Refused)
                    {
                        await SendProblemAsync(_head.RefusalStatus, Title(_head.RefusalStatus), _head.RefusalReason, keepAlive: false, http10: false, head: false);
                        close = true;
                        break;
                    }
                    buffer = buffer.Slice(_head.Consumed);
                    await AnswerAsync(deadline.Token);
                    if (!_head.KeepAlive)
                    {
                        close = true;
                        break;
                    }
                    deadline.CancelAfter(owner._keepAlive);
                }
                if (close)
                {
                    _input.AdvanceTo(read.Buffer.End);
                    await LingerAsync();
                    return;
                }
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted) return;
            }
        }

        private async ValueTask AnswerAsync(CancellationToken ct)
        {
            bool keepAlive = _head.KeepAlive, http10 = _head.IsHttp10, head = _head.IsHead;
            if (_head.AuthorizationCount > 1)
            {
                await SendProblemAsync(400, "Bad request", "one Authorization header at most", keepAlive, http10, head);
                return;
            }
            if (!owner._auth.TryCached(_head.Authorization, out _))
            {
                // First sight of this token (or a bad one): the full check, then it is cached.
                var check = await owner._auth.CheckAsync(_head.Authorization.ToString(), ct);
                if (!check.IsValid)
                {
                    owner._metrics.AuthRefused.Inc();
                    await SendProblemAsync(401, "Unauthorized", check.Error!, keepAlive, http10, head, BearerAuth.Challenge(check.Error!));
                    return;
                }
            }

            var answer = Decide();
            if (answer.IsRefusal)
            {
                var extra = answer.Status == 416 ? "Content-Range: bytes */" + answer.Track!.ByteLength : null;
                await SendProblemAsync(answer.Status, answer.Title!, answer.Reason!, keepAlive, http10, head, extraHeader: extra);
                return;
            }

            var track = answer.Track!;
            var range = answer.Range;
            // Checked and leased before the head goes out: a file that vanished or disagrees with its manifest gets 410.
            if (!owner._parts.Files.TryLease(track, out var lease, out var broken))
            {
                await SendProblemAsync(410, "Gone", broken!, keepAlive, http10, head);
                return;
            }
            using var leased = lease;
            var writer = new AudioResponseHead(_responseHead);
            writer.Start(answer.Status, keepAlive, http10);
            writer.Append("Content-Type: audio/ogg\r\nAccept-Ranges: bytes\r\nContent-Length: "u8);
            writer.Append(range.Length);
            if (answer.Status == 206)
            {
                writer.Append("\r\nContent-Range: bytes "u8);
                writer.Append(range.Start);
                writer.Append("-"u8);
                writer.Append(range.End - 1);
                writer.Append("/"u8);
                writer.Append(track.ByteLength);
            }
            writer.Append("\r\n"u8);
            writer.End();
            int headLength = writer.Length;
            owner._parts.Count(answer, head);

            if (head || range.Length == 0)
                await socket.SendAsync(_responseHead.AsMemory(0, headLength), SocketFlags.None);
            else
            {
                var file = lease.File;
                long offset = range.Start;
                int headSent = 0;
                if (owner._fastPath)
                {
                    (headSent, offset) = LinuxSendfile.SendNow(socket, _responseHead, headLength, file.SafeFileHandle, range.Start, range.Length);
                    if (offset == range.End) return;
                }
                // The socket is full (or no fast path): SendPacketsAsync sends the rest when it drains,
                // on Linux with sendfile(2) at an explicit offset as well.
                var packets = _packets;
                if (headSent < headLength)
                {
                    packets[0] = new SendPacketsElement(_responseHead, headSent, headLength - headSent);
                    packets[1] = new SendPacketsElement(file, offset, checked((int)(range.End - offset)));
                }
                else
                {
                    packets = _filePacket;
                    packets[0] = new SendPacketsElement(file, offset, checked((int)(range.End - offset)));
                }
                // Bounded like Kestrel's minimum response data rate: the keep-alive time plus 240 bytes a second.
                _deadline!.CancelAfter(owner._keepAlive + TimeSpan.FromSeconds((range.End - offset) / 240.0));
                await _sender.SendAsync(socket, packets);
            }
        }

        private AudioAnswer Decide()
        {
            var path = _head.Path;
            const string prefix = "/tracks/", suffix = "/audio";
            if (!path.StartsWith(prefix) || !path.EndsWith(suffix) || path.Length <= prefix.Length + suffix.Length
                || path[prefix.Length..^suffix.Length].Contains('/'))
                return new AudioAnswer(404, null, default, RangeForm.Whole, "Not found", "only /tracks/{id}/audio is served here");

            var ask = new AudioAsk
            {
                // Decoded as Kestrel decodes the route's {id}, so both front ends find the same track.
                Id = AudioParts.Unescape(path[prefix.Length..^suffix.Length], plusIsSpace: false),
                RangeCount = _head.RangeCount,
                Range = _head.Range,
            };
            AudioParts.ReadQuery(_head.Query, ref ask);
            return owner._parts.Decide(ask);
        }

        private async ValueTask SendProblemAsync(int status, string title, string reason, bool keepAlive, bool http10, bool head,
            string? challenge = null, string? extraHeader = null)
        {
            var body = _problem ??= new ArrayBufferWriter<byte>(256);
            body.ResetWrittenCount();
            AudioResponseHead.ProblemBody(body, status, title, reason);

            var writer = new AudioResponseHead(_responseHead);
            writer.Start(status, keepAlive, http10);
            writer.Append("Content-Type: application/problem+json\r\nContent-Length: "u8);
            writer.Append(body.WrittenCount);
            writer.Append("\r\n"u8);
            if (challenge is not null) { writer.Append("WWW-Authenticate: "u8); writer.AppendAscii(challenge); writer.Append("\r\n"u8); }
            if (extraHeader is not null) { writer.AppendAscii(extraHeader); writer.Append("\r\n"u8); }
            if (status == 405) writer.Append("Allow: GET, HEAD\r\n"u8);
            writer.End();

            await socket.SendAsync(_responseHead.AsMemory(0, writer.Length), SocketFlags.None);
            if (!head) await socket.SendAsync(body.WrittenMemory, SocketFlags.None);
        }

        /// <summary>
        /// Closes after an answer without losing it: Linux resets a connection closed with unread bytes,
        /// and a reset can destroy the answer before the client read it. So: end our side, then read
        /// (and drop) what the client still sends, for a bounded time and amount.
        /// </summary>
        private async Task LingerAsync()
        {
            try { socket.Shutdown(SocketShutdown.Send); }
            catch (SocketException) { return; }
            using var linger = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            long drained = 0;
            try
            {
                while (drained < 1024 * 1024)
                {
                    var read = await _input.ReadAsync(linger.Token);
                    drained += read.Buffer.Length;
                    _input.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted) return;
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private static string Title(int status) => status switch
        {
            405 => "Method not allowed",
            431 => "Request header fields too large",
            505 => "HTTP version not supported",
            _ => "Bad request",
        };

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_responseHead);
            _sender.Dispose();
        }
    }

    /// <summary><see cref="Socket.SendPacketsAsync"/> as an awaitable that one connection reuses for every response.</summary>
    private sealed class PacketSender : SocketAsyncEventArgs, IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _done;

        public ValueTask SendAsync(Socket socket, SendPacketsElement[] packets)
        {
            _done.Reset();
            SendPacketsElements = packets;
            if (!socket.SendPacketsAsync(this)) Finish();
            return new ValueTask(this, _done.Version);
        }

        protected override void OnCompleted(SocketAsyncEventArgs e) => Finish();

        private void Finish()
        {
            if (SocketError == SocketError.Success) _done.SetResult(true);
            else _done.SetException(new SocketException((int)SocketError));
        }

        public void GetResult(short token) => _done.GetResult(token);
        public ValueTaskSourceStatus GetStatus(short token) => _done.GetStatus(token);
        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _done.OnCompleted(continuation, state, token, flags);
    }
}
