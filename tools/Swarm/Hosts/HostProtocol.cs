using System.Text.Json;
using System.Text.Json.Serialization;
using Spotify.Rx.Client;
using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Hosts;

/// <summary>
/// What the coordinator of a <c>--hosts</c> run tells a host process, one JSON line each on the host's
/// standard input. <see cref="Client"/> is the client's index in the swarm; a host runs many.
/// </summary>
public sealed record HostCommand(HostOp Op, int Client, int Call = 0, ClientLaunch? Launch = null, string? Endpoint = null, IReadOnlyList<PlaylistEntry>? Playlist = null)
{
    public static HostCommand Start(ClientLaunch launch) => new(HostOp.Start, launch.Index, Launch: launch);
    public static HostCommand Neighbour(int client, string endpoint) => new(HostOp.Neighbour, client, Endpoint: endpoint);
    public static HostCommand Play(int client, int call, IReadOnlyList<PlaylistEntry> playlist) => new(HostOp.Play, client, call, Playlist: playlist);
    public static HostCommand Cancel(int client, int call) => new(HostOp.Cancel, client, call);
    public static HostCommand Stop(int client) => new(HostOp.Stop, client);
}

public enum HostOp { Start, Neighbour, Play, Cancel, Stop }

/// <summary>
/// What a host process tells the coordinator, one JSON line each on its standard output: a client
/// started (with the endpoint other hosts dial) or failed to, its status, a finished play, a
/// playlist call done, a client stopped. A status always comes before the play report it covers.
/// </summary>
public sealed record HostEvent(HostEventKind Kind, int Client, int Call = 0, string? PeerId = null, string? Endpoint = null, PeerStatus? Status = null, PlayReport? Play = null, string? Error = null)
{
    /// <summary>The <see cref="Error"/> of a playlist call the coordinator cancelled (the listener skipped, or the run ended).</summary>
    public const string Cancelled = "cancelled";
}

public enum HostEventKind { Started, Failed, Status, Played, Done, Stopped }

/// <summary>The one line format of both directions.</summary>
public static class HostJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Line(HostCommand command) => JsonSerializer.Serialize(command, Options);
    public static string Line(HostEvent e) => JsonSerializer.Serialize(e, Options);

    /// <summary>A command, or null for a line that is not one (the reason goes to <paramref name="error"/>).</summary>
    public static HostCommand? Command(string line, out string? error) => Read<HostCommand>(line, out error);

    /// <summary>An event, or null for a line that is not one (a host's runtime may print other lines).</summary>
    public static HostEvent? Event(string line) => Read<HostEvent>(line, out _);

    private static T? Read<T>(string line, out string? error) where T : class
    {
        error = null;
        if (!line.StartsWith('{')) { error = "not a JSON object"; return null; }
        try
        {
            return JsonSerializer.Deserialize<T>(line, Options);
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }
}
