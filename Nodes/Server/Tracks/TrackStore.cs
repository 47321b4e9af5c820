using System.Text.Json;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Server.Tracks;

/// <summary>
/// One track as the server serves it: its manifest, the manifest as JSON, every byte of the audio
/// in memory (the Kestrel route writes slices of it), and the open audio file (the sendfile endpoint
/// hands ranges of it to the kernel). Both hold the same bytes: the memory is read from that file.
/// </summary>
public sealed class StoredTrack(TrackManifest manifest, ReadOnlyMemory<byte> audio, byte[] manifestJson, FileStream? file = null)
{
    public TrackManifest Manifest { get; } = manifest;
    public ReadOnlyMemory<byte> Audio { get; } = audio;
    public byte[] ManifestJson { get; } = manifestJson;
    public TrackSummary Summary { get; } = new(manifest.Id, manifest.Title, manifest.Artist, manifest.Duration.TotalSeconds, manifest.ByteLength);

    /// <summary>
    /// The audio file, open for the server's lifetime. Only ever used with explicit offsets
    /// (sendfile), never read through its position, so every connection can share it.
    /// </summary>
    public FileStream? File { get; } = file;
}

/// <summary>
/// The library held in memory. Requests look tracks up by id in a dictionary filled from the
/// manifests: no part of a request ever becomes a file path.
/// </summary>
public sealed class TrackStore : IDisposable
{
    // The shape the library stores manifests in, without the indentation.
    private static readonly JsonSerializerOptions Json = new(ManifestJson.Options) { WriteIndented = false };

    private volatile Loaded _loaded = new([]);

    public bool IsLoaded { get; private set; }
    public IReadOnlyList<StoredTrack> Tracks => _loaded.Sorted;

    public void Load(IEnumerable<(TrackManifest Manifest, ReadOnlyMemory<byte> Audio)> tracks) =>
        Load(tracks.Select(t => (t.Manifest, t.Audio, (FileStream?)null)));

    public void Load(IEnumerable<(TrackManifest Manifest, ReadOnlyMemory<byte> Audio, FileStream? File)> tracks)
    {
        var stored = tracks
            .Select(t => new StoredTrack(t.Manifest, t.Audio, JsonSerializer.SerializeToUtf8Bytes(t.Manifest, Json), t.File))
            .OrderBy(t => t.Manifest.Id, StringComparer.Ordinal)
            .ToArray();
        _loaded = new Loaded(stored);
        IsLoaded = true;
    }

    public StoredTrack? Find(ReadOnlySpan<char> id) => _loaded.ById.TryGetValue(id, out var track) ? track : null;

    public void Dispose()
    {
        foreach (var track in _loaded.Sorted) track.File?.Dispose();
    }

    private sealed class Loaded
    {
        public readonly StoredTrack[] Sorted;
        public readonly Dictionary<string, StoredTrack>.AlternateLookup<ReadOnlySpan<char>> ById;

        public Loaded(StoredTrack[] sorted)
        {
            Sorted = sorted;
            ById = sorted.ToDictionary(t => t.Manifest.Id, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }
}
