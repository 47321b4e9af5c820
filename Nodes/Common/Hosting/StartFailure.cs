using Microsoft.Extensions.Options;

using System.Reflection;

namespace Spotify.Rx.Common.Hosting;

/// <summary>Why a node did not start, as one line for its operator's terminal.</summary>
public static class StartFailure
{
    public static string Describe(Exception e)
    {
        // The exception that names the cause is often wrapped (DI resolution, hosted-service start).
        var cause = e;
        while (cause is AggregateException { InnerExceptions.Count: 1 } or TargetInvocationException && cause.InnerException is not null)
            cause = cause.InnerException;
        return cause switch
        {
            OptionsValidationException v => string.Join(" ", v.Failures),
            IOException io when io.InnerException is System.Net.Sockets.SocketException s => $"{io.Message} ({s.SocketErrorCode})",
            _ => cause.Message,
        };
    }
}
