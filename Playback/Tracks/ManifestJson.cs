using System.Text.Json;

namespace Spotify.Rx.Playback.Tracks;

/// <summary>How manifests are stored on disk: camelCase, the same shape the server sends.</summary>
public static class ManifestJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Serialize(TrackManifest manifest) => JsonSerializer.Serialize(manifest, Options);

    public static TrackManifest Deserialize(string json) =>
        JsonSerializer.Deserialize<TrackManifest>(json, Options) ?? throw new InvalidDataException("empty manifest");
}
