using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Spotify.Rx.Client.Cli;

/// <summary>
/// Runs a command's body inside its host and turns whatever ends it into an exit code and, on failure,
/// one line on stderr (<see cref="Failures"/>); Ctrl+C is a normal end.
/// </summary>
internal static class CommandRun
{
    public static async Task<int> GuardedAsync(ParseResult r, IReadOnlyList<string> configArguments, IEnumerable<KeyValuePair<string, string?>> given,
        Func<ClientHost, Task<int>> body, CancellationToken ct)
    {
        ClientHost? host = null;
        try
        {
            host = await ClientHost.StartAsync(r, configArguments, given);
            return await body(host);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Failures.Ok;
        }
        catch (Exception e)
        {
            var (line, code) = await Failures.DescribeAsync(e);
            // The whole exception goes to the --log file (and with -v its message to stderr); the user reads the line.
            host?.Log.LogInformation(e, "{Command} ended: {Line}", r.CommandResult.Command.Name, line);
            Console.Error.WriteLine(line);
            return code;
        }
        finally
        {
            if (host is not null)
            {
                try { await host.DisposeAsync(); }
                catch (Exception e) when (e is OperationCanceledException or AggregateException) { }
            }
        }
    }
}
