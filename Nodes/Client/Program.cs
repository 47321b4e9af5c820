using System.CommandLine;
using Spotify.Rx.Client.Cli;

// The client's command line: `run` (the long-running player and peer), `play` (one-shot) and `tracks`,
// with the server, tracker, login and log options on every command. Exit codes: 0 ok, 1 failed, 2 bad usage.
var (configArguments, commandArguments) = ClientHost.Split(args);
var root = new RootCommand("Spotify.Rx client: plays tracks from the main server, the peers and the cache, and serves its cache to peers. " +
    "Settings also come from appsettings.json and Client__X environment variables (e.g. Client__Password).");
foreach (var option in CommonOptions.All) root.Options.Add(option);
root.Subcommands.Add(RunCommand.Create(configArguments));
root.Subcommands.Add(PlayCommand.Create(configArguments));
root.Subcommands.Add(TracksCommand.Create(configArguments));

var parsed = root.Parse(commandArguments);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("(see --help)");
    return Failures.Usage;
}
return await parsed.InvokeAsync(new InvocationConfiguration
{
    // Failures are the commands' to report (one line, an exit code); a stack trace is never the answer.
    EnableDefaultExceptionHandler = false,
    // Time for a run to leave the tracker and close its connections after Ctrl+C.
    ProcessTerminationTimeout = TimeSpan.FromSeconds(10),
});
