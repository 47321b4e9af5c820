using System.Text.Json;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Server.Tracks;

/// <summary>A track's full manifest, parsed (for the time form's seek index) and as the compact JSON that is served.</summary>
public sealed record LoadedManifest(TrackManifest Manifest, byte[] Json);

/// <summary>
/// Full manifests (chunk hashes and seek index, tens of kB each) read from disk on demand and kept for the
/// <c>Server:ManifestCache</c> most recently used tracks. A manifest that does not agree with the catalogue's entry
/// or with itself takes the track out of the catalogue instead of being served.
/// </summary>
public sealed class ManifestCache(TrackStore store, int capacity)
{
    // The shape the library stores manifests in, without the indentation.
    private static readonly JsonSerializerOptions Json = new(ManifestJson.Options) { WriteIndented = false };

    private readonly Lock _lock = new();
    private readonly Dictionary<StoredTrack, LinkedListNode<(StoredTrack Track, LoadedManifest Manifest)>> _byTrack = new(ReferenceEqualityComparer.Instance);
    private readonly LinkedList<(StoredTrack Track, LoadedManifest Manifest)> _recent = new();

    public int Capacity { get; } = capacity;

    public bool TryGet(StoredTrack track, out LoadedManifest? manifest, out string? failure)
    {
        lock (_lock)
        {
            if (_byTrack.TryGetValue(track, out var node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                manifest = node.Value.Manifest;
                failure = null;
                return true;
            }
        }
        manifest = Read(track, out failure);
        if (manifest is null)
        {
            store.MarkBroken(track, failure!);
            return false;
        }
        lock (_lock)
        {
            if (!_byTrack.ContainsKey(track) && store.Find(track.Id) == track)
            {
                _byTrack[track] = _recent.AddFirst((track, manifest));
                while (_byTrack.Count > Capacity)
                {
                    var last = _recent.Last!;
                    _recent.RemoveLast();
                    _byTrack.Remove(last.Value.Track);
                }
            }
        }
        return true;
    }

    public void Forget(StoredTrack track)
    {
        lock (_lock)
        {
            if (_byTrack.Remove(track, out var node)) _recent.Remove(node);
        }
    }

    private static LoadedManifest? Read(StoredTrack track, out string? failure)
    {
        string prefix = $"track '{track.Id}' is left out of the library: ";
        TrackManifest manifest;
        try
        {
            manifest = ManifestJson.Deserialize(File.ReadAllText(track.ManifestPath));
            failure = Disagreement(track, manifest);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            failure = prefix + "its manifest is gone";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidDataException or ArgumentException or FormatException)
        {
            failure = prefix + "its manifest cannot be read: " + e.Message;
            return null;
        }
        if (failure is not null)
        {
            failure = prefix + failure;
            return null;
        }
        return new LoadedManifest(manifest, JsonSerializer.SerializeToUtf8Bytes(manifest, Json));
    }

    /// <summary>Null when the manifest is the one the catalogue indexed and is whole, else what is wrong with it.</summary>
    private static string? Disagreement(StoredTrack track, TrackManifest m)
    {
        if (m.Id != track.Id || m.ByteLength != track.ByteLength || m.ChunkSize != track.ChunkSize)
            return "its manifest changed since the library was scanned";
        if (m.ChunkHashes is null || m.Pages is null || m.Title is null || m.Artist is null)
            return "its manifest lacks chunk hashes, pages, title or artist";
        long chunks = (m.ByteLength + m.ChunkSize - 1) / m.ChunkSize;
        if (m.ChunkHashes.Count != chunks)
            return $"its manifest has {m.ChunkHashes.Count} chunk hashes for {chunks} chunks";
        if (!Convert.FromHexString(m.ChunkHashes[0]).AsSpan().SequenceEqual(track.FirstChunkHash))
            return "its manifest changed since the library was scanned";
        if (m.Pages.Count == 0) return "its manifest has no pages";
        long previous = -1;
        foreach (var page in m.Pages)
        {
            if (page.Offset <= previous || page.Offset >= m.ByteLength) return $"its manifest has a page at offset {page.Offset}, out of order or beyond the file";
            previous = page.Offset;
        }
        return null;
    }
}
