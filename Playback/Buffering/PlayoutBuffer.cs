using System.Reactive.Linq;
using System.Reactive.Subjects;
using Spotify.Rx.Playback.Ogg;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Streams;

namespace Spotify.Rx.Playback.Buffering;

/// <summary>
/// The play-out buffer of one track (docs/ARCHITECTURE.md "Cache": it has no limit): byte ranges arrive from any source in
/// any order; it knows which bytes it holds, how much audio is contiguous from the playhead, and how many bytes
/// each source gave. Safe to fill from network threads while the player reads.
/// </summary>
public sealed class PlayoutBuffer : IDisposable
{
    private readonly object _gate = new();
    private readonly byte[] _bytes;
    private readonly ByteRanges _held = new();
    private readonly Dictionary<DataSource, long> _bySource = Enum.GetValues<DataSource>().ToDictionary(s => s, _ => 0L);
    private readonly BehaviorSubject<BufferLevel> _levels;
    private TimeSpan _playhead;
    private long _duplicateBytes;

    public TrackManifest Track { get; }

    public PlayoutBuffer(TrackManifest track)
    {
        Track = track;
        _bytes = new byte[track.ByteLength];
        _levels = new BehaviorSubject<BufferLevel>(new BufferLevel(TimeSpan.Zero));
    }

    /// <summary>Seconds of contiguous audio ahead of the playhead; a new value whenever it changes.</summary>
    public IObservable<BufferLevel> Levels => _levels.DistinctUntilChanged();

    public BufferLevel Level { get { lock (_gate) return ComputeLevel(); } }

    /// <summary>
    /// Stores bytes [<paramref name="offset"/>, offset + length) that came from <paramref name="source"/>.
    /// Returns the number of bytes that were new; only those count for the source.
    /// </summary>
    public long Add(long offset, ReadOnlySpan<byte> data, DataSource source)
    {
        if (offset < 0 || offset + data.Length > Track.ByteLength)
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset + data.Length}) is outside track {Track.Id} ({Track.ByteLength} bytes)");
        BufferLevel level;
        long added;
        lock (_gate)
        {
            data.CopyTo(_bytes.AsSpan((int)offset));
            added = _held.Add(offset, offset + data.Length);
            _bySource[source] += added;
            _duplicateBytes += data.Length - added;
            level = ComputeLevel();
        }
        _levels.OnNext(level);
        return added;
    }

    /// <summary>Where the player is; the level is measured from here.</summary>
    public TimeSpan Playhead
    {
        get { lock (_gate) return _playhead; }
        set
        {
            BufferLevel level;
            lock (_gate)
            {
                _playhead = value;
                level = ComputeLevel();
            }
            _levels.OnNext(level);
        }
    }

    /// <summary>End of the bytes held without a gap from the start of the page under the playhead.</summary>
    public long ContiguousEnd { get { lock (_gate) return _held.ContiguousEnd(Track.OffsetOf(_playhead)); } }

    /// <summary>How far audio can be played from the playhead with the bytes held.</summary>
    public TimeSpan PlayableUntil { get { lock (_gate) return PlayableUntilLocked(); } }

    public bool IsComplete { get { lock (_gate) return _held.Total == Track.ByteLength; } }

    public long HeldBytes { get { lock (_gate) return _held.Total; } }

    public long DuplicateBytes { get { lock (_gate) return _duplicateBytes; } }

    public IReadOnlyDictionary<DataSource, long> BytesBySource { get { lock (_gate) return new Dictionary<DataSource, long>(_bySource); } }

    public IReadOnlyList<(long Start, long End)> HeldRanges { get { lock (_gate) return [.. _held.Ranges]; } }

    public bool Contains(long start, long end) { lock (_gate) return _held.Contains(start, end); }

    /// <summary>Copies held bytes out (for a chunk served onwards or checked); false when any of them is missing.</summary>
    public bool TryRead(long offset, Span<byte> destination)
    {
        lock (_gate)
        {
            if (!_held.Contains(offset, offset + destination.Length)) return false;
            _bytes.AsSpan((int)offset, destination.Length).CopyTo(destination);
            return true;
        }
    }

    /// <summary>Audio page <paramref name="index"/> of the seek index, when all its bytes are held.</summary>
    public OggPage? TryGetPage(int index)
    {
        long start = Track.Pages[index].Offset, end = Track.PageEnd(index);
        var copy = new byte[end - start];
        return TryRead(start, copy) ? OggPage.TryParse(copy) : null;
    }

    private TimeSpan PlayableUntilLocked()
    {
        long from = Track.OffsetOf(_playhead);
        long end = _held.ContiguousEnd(from);
        return end == from ? _playhead : Track.PlayableUntil(end);
    }

    private BufferLevel ComputeLevel()
    {
        var ahead = PlayableUntilLocked() - _playhead;
        if (ahead < TimeSpan.Zero) ahead = TimeSpan.Zero;
        bool complete = _held.ContiguousEnd(Track.OffsetOf(_playhead)) >= Track.ByteLength;
        return new BufferLevel(ahead, complete);
    }

    public void Dispose()
    {
        if (_levels.IsDisposed) return;
        _levels.OnCompleted();
        _levels.Dispose();
    }
}
