using Spotify.Rx.Playback.Opus;

namespace Spotify.Rx.Playback.Tracks;

/// <summary>
/// Writes tracks into a library folder so that a reader never sees half a track: audio and manifest are written
/// under temporary names and moved into place, the manifest last, so a manifest on disk means a whole track.
/// </summary>
public static class LibraryFolder
{
    public const string AudioExtension = ".opus";
    public const string ManifestExtension = ".manifest.json";
    private const string PartialSuffix = ".partial";

    public static string AudioFile(string folder, string id) => Path.Combine(folder, id + AudioExtension);
    public static string ManifestFile(string folder, string id) => Path.Combine(folder, id + ManifestExtension);

    /// <summary>
    /// Encodes one track with <paramref name="writeAudio"/> (which feeds PCM to the writer) and stores it as
    /// <c>{id}.opus</c> + <c>{id}.manifest.json</c>. On any failure nothing of the track remains.
    /// </summary>
    public static async Task<TrackManifest> WriteTrackAsync(string folder, string id, string title, string artist,
        Action<OggOpusWriter> writeAudio, int complexity = OpusCodec.DefaultComplexity, CancellationToken ct = default)
    {
        if (!TrackLibrary.IsValidId(id)) throw new ArgumentException($"'{id}' is not a track id", nameof(id));
        Directory.CreateDirectory(folder);
        string audio = AudioFile(folder, id), manifestPath = ManifestFile(folder, id);
        // Unique temporary names: two processes may fill the same folder (both write the same bytes).
        string unique = $".{Environment.ProcessId}-{Guid.NewGuid():N}{PartialSuffix}";
        string audioTemp = audio + unique, manifestTemp = manifestPath + unique;
        try
        {
            using (var stream = new MemoryStream())
            {
                var writer = new OggOpusWriter(stream, OpusTags.For(title, artist), SerialFor(id), complexity);
                writeAudio(writer);
                writer.Finish();
                ct.ThrowIfCancellationRequested();
                var bytes = stream.GetBuffer().AsMemory(0, (int)stream.Length);
                var manifest = ManifestBuilder.Build(id, bytes, title, artist);
                await using (var file = new FileStream(audioTemp, FileMode.Create, FileAccess.Write, FileShare.None))
                    await file.WriteAsync(bytes, ct);
                await File.WriteAllTextAsync(manifestTemp, ManifestJson.Serialize(manifest), ct);
                File.Move(audioTemp, audio, overwrite: true);
                File.Move(manifestTemp, manifestPath, overwrite: true);
                return manifest;
            }
        }
        catch
        {
            File.Delete(audioTemp);
            File.Delete(manifestTemp);
            throw;
        }
    }

    /// <summary>The stored track is whole: its manifest parses and the audio has the length it records.</summary>
    public static bool IsComplete(string folder, string id)
    {
        try
        {
            var manifest = ManifestJson.Deserialize(File.ReadAllText(ManifestFile(folder, id)));
            var audio = new FileInfo(AudioFile(folder, id));
            return manifest.Id == id && audio.Exists && audio.Length == manifest.ByteLength;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>A stable Ogg serial per track (RFC 3533 wants one per logical stream; stable keeps files reproducible).</summary>
    private static uint SerialFor(string id)
    {
        uint h = 2166136261;
        foreach (char c in id) h = (h ^ c) * 16777619;
        return h;
    }
}
