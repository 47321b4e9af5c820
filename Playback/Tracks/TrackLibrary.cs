namespace Spotify.Rx.Playback.Tracks;

/// <summary>
/// A folder of tracks in the one encoding: <c>{id}.opus</c> beside <c>{id}.manifest.json</c>.
/// CONTRACT (to be implemented by the Playback work): server and tools rely on these members.
/// </summary>
public sealed class TrackLibrary
{
    public string Folder { get; }
    public IReadOnlyList<TrackManifest> Tracks { get; }

    private TrackLibrary(string folder, IReadOnlyList<TrackManifest> tracks) { Folder = folder; Tracks = tracks; }

    /// <summary>Loads every manifest in <paramref name="folder"/>, sorted by id.</summary>
    public static TrackLibrary Open(string folder) => throw new NotImplementedException();

    public TrackManifest? Find(string id) => throw new NotImplementedException();

    /// <summary>Full path of a track's audio; only for ids that <see cref="Find"/> knows.</summary>
    public string AudioPath(string id) => throw new NotImplementedException();

    /// <summary>Track ids are <c>[a-z0-9][a-z0-9-]{0,63}</c>: never a path.</summary>
    public static bool IsValidId(string id) => System.Text.RegularExpressions.Regex.IsMatch(id, "^[a-z0-9][a-z0-9-]{0,63}$");
}
