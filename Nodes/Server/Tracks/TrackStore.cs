using System.Collections.Concurrent;
using System.IO.Enumeration;
using Microsoft.Extensions.Options;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Server.Tracks;

/// <summary>The size and modification time of a file as a directory scan saw it: what tells a changed file.</summary>
public readonly record struct FileStamp(long Length, long WriteTicks);

/// <summary>
/// One track of the catalogue: what the listing and search show, where its files are, and the hash of its
/// first chunk to check the audio file against before serving from it. Neither the audio nor the chunk hashes
/// and seek index of the manifest are held: a track costs a few hundred bytes whatever its length.
/// </summary>
public sealed class StoredTrack
{
    internal StoredTrack(ManifestHead head, string folder, FileStamp manifestStamp, FileStamp audioStamp)
    {
        Id = head.Id;
        ByteLength = head.ByteLength;
        ChunkSize = head.ChunkSize;
        FirstChunkHash = head.FirstChunkHash;
        Summary = new TrackSummary(head.Id, head.Title, head.Artist, head.Duration.TotalSeconds, head.ByteLength);
        SearchText = head.Title.ToLowerInvariant() + "\n" + head.Artist.ToLowerInvariant();
        _folder = folder;
        ManifestStamp = manifestStamp;
        AudioStamp = audioStamp;
    }

    public string Id { get; }
    public long ByteLength { get; }
    public int ChunkSize { get; }
    public byte[] FirstChunkHash { get; }
    public TrackSummary Summary { get; }
    // Paths are made when a file is opened, not held: 100,000 of each would be ~35 MB.
    private readonly string _folder;
    public string AudioPath => LibraryFolder.AudioFile(_folder, Id);
    public string ManifestPath => LibraryFolder.ManifestFile(_folder, Id);
    internal string SearchText { get; }
    internal FileStamp ManifestStamp { get; }
    internal FileStamp AudioStamp { get; }

    /// <summary>The audio file's stamp when its first chunk last matched the manifest; null until then.</summary>
    internal FileStamp? Verified
    {
        // Boxed, so that a reader never sees half of a stamp another request is writing.
        get => _verified is FileStamp stamp ? stamp : null;
        set => _verified = value;
    }

    private volatile object? _verified;
}

/// <summary>Why a track that the library folder still names is not served (410), and the files' stamps when that was found.</summary>
public sealed record GoneTrack(string Reason, FileStamp ManifestStamp, FileStamp? AudioStamp);

/// <summary>
/// The catalogue: id → track, built from the manifests of the library folder without reading any audio, and
/// kept current by <see cref="Rescan"/> (see <see cref="Library.LibraryLoader"/> for when it runs). Requests
/// look tracks up by id among the manifests' ids only: no part of a request ever becomes a file path. The audio
/// is read from disk on demand through <see cref="Files"/>, full manifests through <see cref="Manifests"/>.
/// </summary>
public sealed class TrackStore : IDisposable
{
    private readonly ILogger<TrackStore> _log;
    private readonly Lock _writer = new();
    private readonly ConcurrentDictionary<string, GoneTrack> _gone = new(StringComparer.Ordinal);
    private volatile Snapshot _current = new([]);
    private string _folder = "";

    public TrackStore(IOptions<ServerOptions> options, ILogger<TrackStore> log)
    {
        _log = log;
        Files = new OpenTrackFiles(this, options.Value.OpenFiles);
        Manifests = new ManifestCache(this, options.Value.ManifestCache);
    }

    public bool IsLoaded { get; private set; }
    public string Folder => _folder;
    public IReadOnlyList<StoredTrack> Tracks => _current.Sorted;
    public OpenTrackFiles Files { get; }
    public ManifestCache Manifests { get; }

    /// <summary>Raised after every rescan with the tracks it added and removed (the tests wait on it).</summary>
    public event Action<RescanResult>? Rescanned;

    public StoredTrack? Find(ReadOnlySpan<char> id) => _current.ById.TryGetValue(id, out var track) ? track : null;

    /// <summary>Why a track the library names is left out, or null: the difference between 410 and 404.</summary>
    public string? GoneReason(ReadOnlySpan<char> id) =>
        _gone.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id, out var gone) ? gone.Reason : null;

    /// <summary>The tracks whose title or artist contains <paramref name="text"/> (case-insensitive), in id order, one page of them.</summary>
    public (int Total, StoredTrack[] Page) Search(string text, int skip, int take)
    {
        string needle = text.ToLowerInvariant();
        var page = new List<StoredTrack>(Math.Min(take, 64));
        int total = 0;
        foreach (var track in _current.Sorted)
        {
            if (!track.SearchText.Contains(needle, StringComparison.Ordinal)) continue;
            if (total >= skip && page.Count < take) page.Add(track);
            total++;
        }
        return (total, page.ToArray());
    }

    /// <summary>Builds the catalogue of <paramref name="folder"/> (at start).</summary>
    public RescanResult Load(string folder)
    {
        _folder = Path.GetFullPath(folder);
        var result = Rescan();
        IsLoaded = true;
        return result;
    }

    /// <summary>
    /// Brings the catalogue in line with the folder: one directory pass for every file's size and time, then the
    /// head of each new or changed manifest (in parallel). Unchanged tracks are kept as they are, with their
    /// verification. A track whose manifest is broken, names another id, or whose audio file is missing or has
    /// another length is left out and reported once (410 with the reason until its files change).
    /// </summary>
    public RescanResult Rescan()
    {
        lock (_writer)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (manifests, audio) = ScanFolder(_folder);
            var old = _current;
            var kept = new List<StoredTrack>(manifests.Count);
            var toRead = new List<(string Id, FileStamp Manifest, FileStamp Audio)>();
            foreach (var (id, manifestStamp) in manifests)
            {
                if (!audio.TryGetValue(id, out var audioStamp))
                {
                    Leave(id, "its audio file is missing", manifestStamp, null);
                    continue;
                }
                if (old.ById.TryGetValue(id, out var same) && same.ManifestStamp == manifestStamp && same.AudioStamp == audioStamp)
                    kept.Add(same);
                else if (_gone.TryGetValue(id, out var gone) && gone.ManifestStamp == manifestStamp && gone.AudioStamp == audioStamp)
                    continue;
                else
                    toRead.Add((id, manifestStamp, audioStamp));
            }

            var read = new StoredTrack?[toRead.Count];
            // Twice the cores: a manifest not in the page cache (or on a network share) waits for I/O, not CPU.
            Parallel.For(0, toRead.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 * Environment.ProcessorCount }, i =>
            {
                var (id, manifestStamp, audioStamp) = toRead[i];
                read[i] = ReadTrack(id, manifestStamp, audioStamp);
            });
            foreach (var track in read)
                if (track is not null)
                {
                    kept.Add(track);
                    _gone.TryRemove(track.Id, out _);
                }
            foreach (var id in _gone.Keys)
                if (!manifests.ContainsKey(id)) _gone.TryRemove(id, out _);

            // Nothing new and nothing gone: the index stays the very same object.
            var next = kept.Count == old.Sorted.Length && read.All(t => t is null) ? old
                : new Snapshot(kept.OrderBy(t => t.Id, StringComparer.Ordinal).ToArray());
            _current = next;
            string[] added = [];
            StoredTrack[] removed = [];
            if (next != old)
            {
                added = next.Sorted.Where(t => !old.ById.TryGetValue(t.Id, out var before) || before != t).Select(t => t.Id).ToArray();
                removed = old.Sorted.Where(t => !next.ById.TryGetValue(t.Id, out var now) || now != t).ToArray();
                foreach (var track in removed)
                {
                    Files.Forget(track);
                    Manifests.Forget(track);
                }
            }
            var result = new RescanResult(next.Sorted.Length, added, removed.Select(t => t.Id).Where(id => !next.ById.TryGetValue(id, out _)).ToArray(),
                _gone.Count, clock.Elapsed);
            Rescanned?.Invoke(result);
            return result;
        }
    }

    /// <summary>
    /// Takes a track out of the catalogue because serving it would send bytes that disagree with its manifest
    /// (found when its file was opened or its manifest read). It comes back when a rescan sees its files change.
    /// </summary>
    public void MarkBroken(StoredTrack track, string reason)
    {
        lock (_writer)
        {
            var current = _current;
            if (!current.ById.TryGetValue(track.Id, out var now) || now != track) return;
            _gone[track.Id] = new GoneTrack(reason, track.ManifestStamp, track.AudioStamp);
            _log.LogWarning("Library {Folder}: {Reason}", _folder, reason);
            _current = new Snapshot(current.Sorted.Where(t => t != track).ToArray());
        }
        Files.Forget(track);
        Manifests.Forget(track);
    }

    private StoredTrack? ReadTrack(string id, FileStamp manifestStamp, FileStamp audioStamp)
    {
        try
        {
            var head = ManifestHead.Read(LibraryFolder.ManifestFile(_folder, id));
            if (head.Id != id)
                Leave(id, $"its manifest is for track '{head.Id}'", manifestStamp, audioStamp);
            else if (head.ByteLength != audioStamp.Length)
                Leave(id, $"its audio file has {audioStamp.Length} bytes, its manifest says {head.ByteLength}", manifestStamp, audioStamp);
            else
                return new StoredTrack(head, _folder, manifestStamp, audioStamp);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Leave(id, "its manifest cannot be read: " + e.Message, manifestStamp, audioStamp);
        }
        return null;
    }

    private void Leave(string id, string reason, FileStamp manifestStamp, FileStamp? audioStamp)
    {
        var gone = new GoneTrack($"track '{id}' is left out of the library: {reason}", manifestStamp, audioStamp);
        if (_gone.TryGetValue(id, out var before) && before == gone) return;
        _gone[id] = gone;
        _log.LogWarning("Library {Folder}: {Reason}", _folder, gone.Reason);
    }

    /// <summary>One pass over the folder: each manifest's and audio file's stamp, by track id. Other files are ignored.</summary>
    private static (Dictionary<string, FileStamp> Manifests, Dictionary<string, FileStamp> Audio) ScanFolder(string folder)
    {
        var manifests = new Dictionary<string, FileStamp>(StringComparer.Ordinal);
        var audio = new Dictionary<string, FileStamp>(StringComparer.Ordinal);
        var entries = new FileSystemEnumerable<(string Name, FileStamp Stamp)>(folder,
            (ref FileSystemEntry e) => (e.FileName.ToString(), new FileStamp(e.Length, e.LastWriteTimeUtc.UtcTicks)),
            new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory
                && (e.FileName.EndsWith(LibraryFolder.ManifestExtension) || e.FileName.EndsWith(LibraryFolder.AudioExtension)),
        };
        foreach (var (name, stamp) in entries)
        {
            if (name.EndsWith(LibraryFolder.ManifestExtension, StringComparison.Ordinal))
            {
                string id = name[..^LibraryFolder.ManifestExtension.Length];
                if (TrackLibrary.IsValidId(id)) manifests[id] = stamp;
            }
            else
            {
                string id = name[..^LibraryFolder.AudioExtension.Length];
                if (TrackLibrary.IsValidId(id)) audio[id] = stamp;
            }
        }
        return (manifests, audio);
    }

    public void Dispose()
    {
        Files.Dispose();
    }

    private sealed class Snapshot
    {
        public readonly StoredTrack[] Sorted;
        public readonly Dictionary<string, StoredTrack> ByIdTable;
        public readonly Dictionary<string, StoredTrack>.AlternateLookup<ReadOnlySpan<char>> ById;

        public Snapshot(StoredTrack[] sorted)
        {
            Sorted = sorted;
            ByIdTable = sorted.ToDictionary(t => t.Id, StringComparer.Ordinal);
            ById = ByIdTable.GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }
}

/// <summary>What a rescan changed: the catalogue's size, ids added or replaced, ids removed, tracks left out.</summary>
public sealed record RescanResult(int Tracks, IReadOnlyList<string> Added, IReadOnlyList<string> Removed, int LeftOut, TimeSpan Took);
