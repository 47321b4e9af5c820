using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spotify.Rx.Swarm.Report;

/// <summary>The report as JSON (report.json), for scripts that compare runs.</summary>
public static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Render(SwarmReport report) => JsonSerializer.Serialize(report, Options);

    public static SwarmReport? Parse(string json) => JsonSerializer.Deserialize<SwarmReport>(json, Options);
}
