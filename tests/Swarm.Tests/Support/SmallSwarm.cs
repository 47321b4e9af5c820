using Spectre.Console;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Swarm.Report;
using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Testing;

/// <summary>
/// A small, fast swarm over the test library, as the swarm tests run it (in-process, on loopback
/// processes, on namespaced hosts): one set of settings, and a run whose console lines reach the
/// test's output whether it ends or fails. Compiled into both Swarm.Tests and Hosts.Tests.
/// </summary>
internal static class SmallSwarm
{
    /// <summary>Eight times real time, seed 3, the whole test library, keys and report under <paramref name="work"/>, no live view.</summary>
    public static SwarmSettings Settings(TrackLibrary library, string work, int clients, TimeSpan listening) => new()
    {
        Clients = clients,
        Duration = listening,
        Speed = 8,
        Tracks = library.Tracks.Count,
        Seed = 3,
        Library = library.Folder,
        Keys = Path.Combine(work, "keys"),
        Out = Path.Combine(work, "report"),
        Live = false,
    };

    /// <summary>Runs <paramref name="settings"/> over <paramref name="library"/> within <paramref name="bound"/>; what it printed goes to <paramref name="output"/>.</summary>
    public static async Task<(SwarmReport Report, SwarmObservations Observed, string Printed)> RunAsync(
        SwarmSettings settings, TrackLibrary library, TimeSpan bound, Action<string> output)
    {
        var lines = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(lines) });
        try
        {
            var (report, observed) = await SwarmRun.RunAsync(settings, NodeParts.Over(library), console, CancellationToken.None).WaitAsync(bound);
            return (report, observed, lines.ToString());
        }
        finally
        {
            output(lines.ToString());
        }
    }
}
