using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Spotify.Rx.Server.Audio;

/// <summary>
/// The synchronous first attempt at a response on Linux: the head with <c>send(MSG_MORE)</c>, so the
/// kernel puts it in the same segment as the first file bytes, then <c>sendfile(2)</c> with an explicit
/// offset, straight from the socket's file descriptor. Sockets of .NET are non-blocking underneath, so
/// when the socket buffer fills these calls stop with EAGAIN instead of blocking; what is left is then
/// sent by <see cref="Socket.SendPacketsAsync"/>, which waits for the socket to drain. Compared with
/// SendPacketsAsync alone this saves its per-call allocations and its async machinery for every part
/// that fits in the socket buffer, and one small TCP segment per response.
/// </summary>
internal static class LinuxSendfile
{
    private const int MsgDontWait = 0x40, MsgMore = 0x8000, MsgNoSignal = 0x4000;
    private const int EAgain = 11, EIntr = 4;

    public static bool IsAvailable { get; } = OperatingSystem.IsLinux();

    [DllImport("libc", EntryPoint = "send", SetLastError = true)]
    private static extern nint Send(nint fd, byte[] buffer, nint length, int flags);

    [DllImport("libc", EntryPoint = "sendfile", SetLastError = true)]
    private static extern nint SendFile(nint outFd, nint inFd, ref long offset, nint count);

    /// <summary>
    /// Sends what the socket takes now: first <paramref name="head"/>[..<paramref name="headLength"/>], then
    /// the file range. Returns how many head bytes and how far into the file it got; throws on a broken connection.
    /// </summary>
    public static (int HeadSent, long FileOffset) SendNow(Socket socket, byte[] head, int headLength, SafeHandle file, long offset, long count)
    {
        bool socketRef = false, fileRef = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref socketRef);
            file.DangerousAddRef(ref fileRef);
            nint fd = socket.SafeHandle.DangerousGetHandle(), inFd = file.DangerousGetHandle();
            int headSent = 0;
            while (headSent < headLength)
            {
                var sent = Send(fd, headSent == 0 ? head : head[headSent..headLength], headLength - headSent, MsgMore | MsgDontWait | MsgNoSignal);
                if (sent >= 0) { headSent += (int)sent; continue; }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr) continue;
                if (errno == EAgain) return (headSent, offset);
                throw new IOException($"send failed with errno {errno}");
            }
            long end = offset + count;
            while (offset < end)
            {
                var sent = SendFile(fd, inFd, ref offset, (nint)Math.Min(end - offset, 1L << 30));
                if (sent > 0) continue;
                if (sent == 0) throw new IOException("the audio file ended before the range did");
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr) continue;
                if (errno == EAgain) break;
                throw new IOException($"sendfile failed with errno {errno}");
            }
            return (headSent, offset);
        }
        finally
        {
            if (fileRef) file.DangerousRelease();
            if (socketRef) socket.SafeHandle.DangerousRelease();
        }
    }
}
