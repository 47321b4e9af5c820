namespace Spotify.Rx.Playback.Tracks;

/// <summary>
/// A folder of tracks in the one encoding: <c>{id}.opus</c> beside <c>{id}.manifest.json</c>.
/// CONTRACT: server and tools rely on these members.
/// </summary>
public sealed class TrackLibrary
{
    private readonly Dictionary<string, TrackManifest> _byId;

    public string Folder { get; }
    public IReadOnlyList<TrackManifest> Tracks { get; }

    private TrackLibrary(string folder, IReadOnlyList<TrackManifest> tracks)
    {
        Folder = folder;
        Tracks = tracks;
        _byId = tracks.ToDictionary(t => t.Id, StringComparer.Ordinal);
    }

    /// <summary>
    /// Loads every manifest in <paramref name="folder"/>, sorted by id. A manifest whose id is not valid, does not
    /// match its file name, or whose audio file is missing is left out: only whole tracks are served.
    /// </summary>
    public static TrackLibrary Open(string folder)
    {
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"no track library at {folder} (create one with: dotnet run --project tools/Library -- generate)");
        var tracks = new List<TrackManifest>();
        foreach (string path in Directory.EnumerateFiles(folder, "*" + LibraryFolder.ManifestExtension))
        {
            string id = Path.GetFileName(path)[..^LibraryFolder.ManifestExtension.Length];
            if (!IsValidId(id) || !LibraryFolder.IsComplete(folder, id)) continue;
            var manifest = ManifestJson.Deserialize(File.ReadAllText(path));
            tracks.Add(manifest);
        }
        tracks.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return new TrackLibrary(folder, tracks);
    }

    /// <summary>The manifest of <paramref name="id"/>, or null for an unknown or malformed id.</summary>
    public TrackManifest? Find(string id) => IsValidId(id) && _byId.TryGetValue(id, out var m) ? m : null;

    /// <summary>Full path of a track's audio; only for ids that <see cref="Find"/> knows.</summary>
    public string AudioPath(string id) => Find(id) is { } m
        ? LibraryFolder.AudioFile(Folder, m.Id)
        : throw new KeyNotFoundException($"no track '{id}' in the library");

    /// <summary>Track ids are <c>[a-z0-9][a-z0-9-]{0,63}</c>: never a path.</summary>
    public static bool IsValidId(string id) => id is not null && System.Text.RegularExpressions.Regex.IsMatch(id, @"^[a-z0-9][a-z0-9-]{0,63}\z");
}
