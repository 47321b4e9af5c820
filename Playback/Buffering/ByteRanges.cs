namespace Spotify.Rx.Playback.Buffering;

/// <summary>A set of half-open byte ranges kept sorted and merged: which bytes of a track are held.</summary>
public sealed class ByteRanges
{
    private readonly List<(long Start, long End)> _ranges = [];

    public IReadOnlyList<(long Start, long End)> Ranges => _ranges;
    public long Total { get; private set; }

    /// <summary>Adds [start, end); returns how many of those bytes were new.</summary>
    public long Add(long start, long end)
    {
        if (end <= start) return 0;
        long before = Total;
        int i = FirstEndingAtOrAfter(start);
        long newStart = start, newEnd = end;
        int removeFrom = i, removeCount = 0;
        while (i < _ranges.Count && _ranges[i].Start <= end)
        {
            newStart = Math.Min(newStart, _ranges[i].Start);
            newEnd = Math.Max(newEnd, _ranges[i].End);
            Total -= _ranges[i].End - _ranges[i].Start;
            removeCount++;
            i++;
        }
        _ranges.RemoveRange(removeFrom, removeCount);
        _ranges.Insert(removeFrom, (newStart, newEnd));
        Total += newEnd - newStart;
        return Total - before;
    }

    /// <summary>The end of the held run that contains <paramref name="offset"/>, or <paramref name="offset"/> itself when it is not held.</summary>
    public long ContiguousEnd(long offset)
    {
        int i = FirstEndingAtOrAfter(offset + 1);
        return i < _ranges.Count && _ranges[i].Start <= offset ? _ranges[i].End : offset;
    }

    public bool Contains(long start, long end) => end <= start || ContiguousEnd(start) >= end;

    /// <summary>Index of the first range whose end is at or after <paramref name="offset"/>.</summary>
    private int FirstEndingAtOrAfter(long offset)
    {
        int lo = 0, hi = _ranges.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (_ranges[mid].End < offset) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
