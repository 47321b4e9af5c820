using System.Buffers;
using System.Security.Cryptography;

namespace Spotify.Rx.Server.Tracks;

/// <summary>
/// The audio files the server has open: at most <c>Server:OpenFiles</c> idle ones, the least recently used closed
/// first. A file in use by a response is never closed under it (a lease holds it), so while every open file is
/// being sent from, the count can pass the bound by the number of responses in flight. Both front ends read through
/// these handles with explicit offsets (sendfile, pread), so one handle serves every connection at once; the bytes
/// themselves are cached by the OS page cache, not here.
/// <para>
/// A file is checked when it is opened, before any byte of it is sent: its length against the manifest, and, the
/// first time (or after the file changed), the hash of its first chunk. On every lease its length is checked again
/// (one fstat), so a file cut short or grown in place is never served as the track it no longer is.
/// </para>
/// </summary>
public sealed class OpenTrackFiles(TrackStore store, int capacity) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<StoredTrack, Node> _open = new(ReferenceEqualityComparer.Instance);
    private readonly LinkedList<Node> _recent = new();
    private bool _disposed;

    public int Capacity { get; } = capacity;

    /// <summary>Files open right now (idle and leased).</summary>
    public int Count
    {
        get { lock (_lock) return _open.Count; }
    }

    /// <summary>
    /// The open audio file of <paramref name="track"/>, leased until the lease is disposed; or false with the reason
    /// the track cannot be served (its file vanished or disagrees with the manifest), in which case the track has
    /// been taken out of the catalogue.
    /// </summary>
    public bool TryLease(StoredTrack track, out FileLease lease, out string? failure)
    {
        lease = default;
        Node? node;
        lock (_lock)
        {
            if (_open.TryGetValue(track, out node))
            {
                node.Leases++;
                _recent.Remove(node.Position);
                _recent.AddFirst(node.Position);
            }
        }
        if (node is null)
        {
            var file = Open(track, out failure);
            if (file is null)
            {
                store.MarkBroken(track, failure!);
                return false;
            }
            node = Insert(track, file);
        }
        else if (RandomAccess.GetLength(node.File.SafeFileHandle) != track.ByteLength)
        {
            Release(node);
            failure = $"track '{track.Id}' is left out of the library: its audio file changed length while open";
            store.MarkBroken(track, failure);
            return false;
        }
        failure = null;
        lease = new FileLease(this, node);
        return true;
    }

    private Node Insert(StoredTrack track, FileStream file)
    {
        List<FileStream>? close = null;
        Node node;
        lock (_lock)
        {
            if (_disposed)
            {
                file.Dispose();
                throw new ObjectDisposedException(nameof(OpenTrackFiles));
            }
            if (_open.TryGetValue(track, out var raced))
            {
                // Another request opened it meanwhile: use that one.
                (close ??= []).Add(file);
                node = raced;
                node.Leases++;
            }
            else
            {
                node = new Node(track, file) { Leases = 1 };
                node.Position = _recent.AddFirst(node);
                _open.Add(track, node);
                // Idle files from the least recently used end; leased ones stay until released.
                var candidate = _recent.Last;
                while (_open.Count > Capacity && candidate is not null)
                {
                    var previous = candidate.Previous;
                    if (candidate.Value.Leases == 0) (close ??= []).Add(Detach(candidate.Value));
                    candidate = previous;
                }
            }
        }
        if (close is not null) foreach (var f in close) f.Dispose();
        return node;
    }

    internal void Release(Node node)
    {
        FileStream? close = null;
        lock (_lock)
        {
            node.Leases--;
            if (node.Leases == 0 && (node.Detached || _open.Count > Capacity))
                close = node.Detached ? node.File : Detach(node);
        }
        close?.Dispose();
    }

    /// <summary>Closes the file of a track that left the catalogue (at once if idle, else when its last lease ends).</summary>
    public void Forget(StoredTrack track)
    {
        FileStream? close = null;
        lock (_lock)
        {
            if (_open.TryGetValue(track, out var node))
            {
                var file = Detach(node);
                if (node.Leases == 0) close = file;
            }
        }
        close?.Dispose();
    }

    private FileStream Detach(Node node)
    {
        _open.Remove(node.Track);
        _recent.Remove(node.Position);
        node.Detached = true;
        return node.File;
    }

    private static FileStream? Open(StoredTrack track, out string? failure)
    {
        FileStream file;
        try
        {
            // Delete is shared so a library tool can replace or remove a track while it is being served.
            file = new FileStream(track.AudioPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            failure = $"track '{track.Id}' is left out of the library: its audio file is gone";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = $"track '{track.Id}' is left out of the library: its audio file cannot be opened ({e.Message})";
            return null;
        }
        try
        {
            failure = Check(track, file);
        }
        catch (IOException e)
        {
            failure = $"track '{track.Id}' is left out of the library: its audio file cannot be read ({e.Message})";
        }
        if (failure is null) return file;
        file.Dispose();
        return null;
    }

    /// <summary>Null when the open file is the one the manifest describes, else why not.</summary>
    private static string? Check(StoredTrack track, FileStream file)
    {
        var handle = file.SafeFileHandle;
        long length = RandomAccess.GetLength(handle);
        if (length != track.ByteLength)
            return $"track '{track.Id}' is left out of the library: its audio file has {length} bytes, its manifest says {track.ByteLength}";
        var stamp = new FileStamp(length, File.GetLastWriteTimeUtc(handle).Ticks);
        if (track.Verified == stamp) return null;

        int size = (int)Math.Min(track.ChunkSize, length);
        byte[] chunk = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            int read = 0;
            while (read < size)
            {
                int n = RandomAccess.Read(handle, chunk.AsSpan(read, size - read), read);
                if (n == 0) return $"track '{track.Id}' is left out of the library: its audio file ended at byte {read}";
                read += n;
            }
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(chunk.AsSpan(0, size), hash);
            if (!hash.SequenceEqual(track.FirstChunkHash))
                return $"track '{track.Id}' is left out of the library: its audio file's first chunk does not have the hash its manifest gives";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        track.Verified = stamp;
        return null;
    }

    public void Dispose()
    {
        List<FileStream> close;
        lock (_lock)
        {
            _disposed = true;
            close = _open.Values.Where(n => n.Leases == 0).Select(n => n.File).ToList();
            foreach (var node in _open.Values) node.Detached = true;
            _open.Clear();
            _recent.Clear();
        }
        foreach (var f in close) f.Dispose();
    }

    internal sealed class Node(StoredTrack track, FileStream file)
    {
        public readonly StoredTrack Track = track;
        public readonly FileStream File = file;
        public LinkedListNode<Node> Position = null!;
        public int Leases;
        public bool Detached;
    }
}

/// <summary>An open audio file in use by one response; dispose when the response no longer reads from it.</summary>
public readonly struct FileLease : IDisposable
{
    private readonly OpenTrackFiles? _owner;
    private readonly OpenTrackFiles.Node? _node;

    internal FileLease(OpenTrackFiles owner, OpenTrackFiles.Node node)
    {
        _owner = owner;
        _node = node;
    }

    public FileStream File => _node!.File;

    public void Dispose() => _owner?.Release(_node!);
}
