using System.CommandLine;
using Spotify.Rx.Client.Cli;

// The client's command line: `play` and `tracks`, with the server, tracker and login options on every command.
var root = new RootCommand("Spotify.Rx client: plays tracks from the main server, the peers and the cache, with a live buffer view.");
foreach (var option in CommonOptions.All) root.Options.Add(option);
root.Subcommands.Add(PlayCommand.Create());
root.Subcommands.Add(TracksCommand.Create());
return await root.Parse(args).InvokeAsync();
