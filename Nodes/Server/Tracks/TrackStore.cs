using System.Text.Json;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Server.Tracks;

/// <summary>
/// One track as the server serves it: its manifest, the manifest as JSON, and every byte of the
/// audio in memory, so a part is a slice written straight to the response.
/// </summary>
public sealed class StoredTrack(TrackManifest manifest, ReadOnlyMemory<byte> audio, byte[] manifestJson)
{
    public TrackManifest Manifest { get; } = manifest;
    public ReadOnlyMemory<byte> Audio { get; } = audio;
    public byte[] ManifestJson { get; } = manifestJson;
    public TrackSummary Summary { get; } = new(manifest.Id, manifest.Title, manifest.Artist, manifest.Duration.TotalSeconds, manifest.ByteLength);
}

/// <summary>
/// The library held in memory. Requests look tracks up by id in a dictionary filled from the
/// manifests: no part of a request ever becomes a file path.
/// </summary>
public sealed class TrackStore
{
    // The shape the library stores manifests in, without the indentation.
    private static readonly JsonSerializerOptions Json = new(ManifestJson.Options) { WriteIndented = false };

    private volatile Loaded _loaded = new([]);

    public bool IsLoaded { get; private set; }
    public IReadOnlyList<StoredTrack> Tracks => _loaded.Sorted;

    public void Load(IEnumerable<(TrackManifest Manifest, ReadOnlyMemory<byte> Audio)> tracks)
    {
        var stored = tracks
            .Select(t => new StoredTrack(t.Manifest, t.Audio, JsonSerializer.SerializeToUtf8Bytes(t.Manifest, Json)))
            .OrderBy(t => t.Manifest.Id, StringComparer.Ordinal)
            .ToArray();
        _loaded = new Loaded(stored);
        IsLoaded = true;
        ServerMetrics.LibraryTracks.Set(stored.Length);
        ServerMetrics.LibraryBytes.Set(stored.Sum(t => (double)t.Audio.Length));
    }

    public StoredTrack? Find(ReadOnlySpan<char> id) => _loaded.ById.TryGetValue(id, out var track) ? track : null;

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
