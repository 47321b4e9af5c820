using Flurl.Http;
using Spotify.Rx.Client.Http;

namespace Spotify.Rx.Client.Cli;

/// <summary>
/// What ends a command, as the one line a user reads and the exit code: 2 for a setting or option
/// that cannot be used, 1 for anything that failed (a node unreachable, a login refused, a port taken).
/// Never a stack trace: the <c>--log</c> file has it.
/// </summary>
internal static class Failures
{
    public const int Ok = 0, Failed = 1, Usage = 2;

    public static async Task<(string Line, int ExitCode)> DescribeAsync(Exception e) => e switch
    {
        UsageException u => (u.Message, Usage),
        // The engine's own checks of its options (a sink that cannot work, a speed that is not one).
        ArgumentException a => (a.ParamName is { } p ? a.Message.Replace($" (Parameter '{p}')", "") : a.Message, Usage),
        InvalidOperationException { Source: "Spotify.Rx.Client" } i => (i.Message, Usage),
        FlurlHttpException f => (await HttpFailures.DescribeAsync(f), Failed),
        System.Net.Sockets.SocketException s => ($"the overlay cannot listen: {s.Message} ({s.SocketErrorCode})", Failed),
        IOException io => (io.Message, Failed),
        _ => ($"failed: {e.GetType().Name}: {e.Message}", Failed),
    };
}
