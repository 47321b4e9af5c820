using System.Runtime.CompilerServices;

namespace Spotify.Rx.Client.Cache;

/// <summary>
/// Whole-track buffers, used again once nobody holds them. A new array for every download (a
/// large-object allocation of a few MB) is fresh memory, and every page of fresh memory faults on its
/// first write: 11.6 µs a page on the machine the swarm is measured on, a fifth of a 500-client swarm's
/// CPU and most of what a play's first chunk cost (docs/MEASUREMENTS.md). A buffer goes back to the
/// pool when its last holder lets go: the download that fills it, the cache entry that keeps it, the
/// sound output that decodes it, a write to the disk cache, a server part being copied in.
/// <para>
/// A buffer is reused only for a track of the same byte length, so no holder ever sees another length
/// than its track's, and a reused buffer is not cleared: only the chunks a download has verified are
/// ever read. Holds are counted per array. An array that was never rented here (a test's, one read from
/// disk) needs no holds; an array whose holds are never all released is collected like any other.
/// </para>
/// </summary>
public sealed class TrackBuffers(long capacity)
{
    /// <summary>The process's pool: every client in it (the swarm runs hundreds) shares the free buffers.</summary>
    public static TrackBuffers Shared { get; } = new(256L * 1024 * 1024);

    private readonly object _gate = new();
    private readonly ConditionalWeakTable<byte[], Holds> _holds = new();
    private readonly Dictionary<int, Stack<byte[]>> _free = [];
    private long _freeBytes;

    private sealed class Holds
    {
        public int Count;
    }

    /// <summary>Bytes kept free for reuse at most.</summary>
    public long Capacity { get; } = capacity;

    /// <summary>Bytes free for reuse now.</summary>
    public long FreeBytes { get { lock (_gate) return _freeBytes; } }

    /// <summary>A buffer of exactly <paramref name="length"/> bytes, held once by the caller; its content is whatever was there.</summary>
    public byte[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        lock (_gate)
        {
            if (_free.TryGetValue(length, out var stack) && stack.TryPop(out var reused))
            {
                _freeBytes -= length;
                _holds.GetOrCreateValue(reused).Count = 1;
                return reused;
            }
        }
        var array = GC.AllocateUninitializedArray<byte>(length);
        lock (_gate) _holds.GetOrCreateValue(array).Count = 1;
        return array;
    }

    /// <summary>
    /// One more holder of <paramref name="array"/>; false if it went back to the pool (its holder is too
    /// late: the bytes may be another play's by now). An array not rented here needs no hold: true.
    /// </summary>
    public bool TryHold(byte[] array)
    {
        lock (_gate)
        {
            if (!_holds.TryGetValue(array, out var holds)) return true;
            if (holds.Count == 0) return false;
            holds.Count++;
            return true;
        }
    }

    /// <summary>A holder lets go; the last one gives the buffer back (kept while the free ones fit the capacity).</summary>
    public void Release(byte[] array)
    {
        lock (_gate)
        {
            if (!_holds.TryGetValue(array, out var holds) || holds.Count == 0) return;
            if (--holds.Count > 0) return;
            if (_freeBytes + array.Length > Capacity)
            {
                // Not kept: the garbage collector has it once the last reference is gone.
                _holds.Remove(array);
                return;
            }
            if (!_free.TryGetValue(array.Length, out var stack)) _free[array.Length] = stack = new Stack<byte[]>();
            stack.Push(array);
            _freeBytes += array.Length;
        }
    }
}
