using System.Text.Json.Serialization;

namespace Spotify.Rx.Playback.Tracks;

/// <summary>
/// One Ogg page of a track: where it starts in the file and its granule position
/// (RFC 7845 §4: the 48 kHz sample count at the end of the last packet completed on the page).
/// </summary>
public readonly record struct SeekPoint(long Offset, long Granule);

/// <summary>
/// What the main server tells a client about a track (docs/ARCHITECTURE.md "One encoding"): enough to
/// verify every 16 KiB chunk and to turn any playback position into a byte offset and back.
/// </summary>
public sealed record TrackManifest
{
    public const int DefaultChunkSize = 16 * 1024;
    public const int SampleRate = 48_000;

    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string Artist { get; init; }
    /// <summary>Audio duration (granule of the last page minus pre-skip).</summary>
    public required TimeSpan Duration { get; init; }
    public required long ByteLength { get; init; }
    public int ChunkSize { get; init; } = DefaultChunkSize;
    /// <summary>Lower-case hex SHA-256 of each chunk, in file order.</summary>
    public required IReadOnlyList<string> ChunkHashes { get; init; }
    /// <summary>OpusHead pre-skip in 48 kHz samples (RFC 7845 §4.2).</summary>
    public required int PreSkip { get; init; }
    public int Channels { get; init; } = 2;
    /// <summary>Every audio page (header pages excluded), in file order.</summary>
    public required IReadOnlyList<SeekPoint> Pages { get; init; }

    [JsonIgnore] public int ChunkCount => ChunkHashes.Count;
    /// <summary>Byte offset of the first audio page (the end of OpusHead and OpusTags).</summary>
    [JsonIgnore] public long AudioStart => Pages.Count > 0 ? Pages[0].Offset : ByteLength;

    public (long Start, long End) ChunkRange(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ChunkCount);
        long start = (long)index * ChunkSize;
        return (start, Math.Min(start + ChunkSize, ByteLength));
    }

    public int ChunkIndexOf(long offset) => (int)(Math.Clamp(offset, 0, Math.Max(0, ByteLength - 1)) / ChunkSize);

    /// <summary>End offset (exclusive) of page <paramref name="page"/>.</summary>
    public long PageEnd(int page) => page + 1 < Pages.Count ? Pages[page + 1].Offset : ByteLength;

    /// <summary>First sample (after pre-skip) that page <paramref name="page"/> starts with.</summary>
    public long PageStartSample(int page) => Math.Max(0, (page == 0 ? 0 : Pages[page - 1].Granule) - PreSkip);

    /// <summary>Index of the page holding the sample at <paramref name="position"/> (clamped to the track).</summary>
    public int PageIndexAt(TimeSpan position)
    {
        if (Pages.Count == 0) return 0;
        long sample = (long)Math.Round(Math.Max(0, position.TotalSeconds) * SampleRate) + PreSkip;
        // The page covering sample s is the first whose granule is beyond s.
        int lo = 0, hi = Pages.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (Pages[mid].Granule > sample) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>Byte offset of the page from which decoding reaches <paramref name="position"/>.</summary>
    public long OffsetOf(TimeSpan position) => Pages.Count == 0 ? AudioStart : Pages[PageIndexAt(position)].Offset;

    /// <summary>
    /// Where a player reading in order from <paramref name="position"/> moves on to another chunk: the
    /// start of the first later page that begins in a later chunk than the page holding
    /// <paramref name="position"/>. The duration when there is no such page.
    /// </summary>
    public TimeSpan NextChunkPosition(TimeSpan position)
    {
        if (Pages.Count == 0) return Duration;
        int page = PageIndexAt(position);
        int chunk = ChunkIndexOf(Pages[page].Offset);
        for (int next = page + 1; next < Pages.Count; next++)
            if (ChunkIndexOf(Pages[next].Offset) > chunk) return SamplesToTime(PageStartSample(next));
        return Duration;
    }

    /// <summary>Index of the page that starts exactly at <paramref name="offset"/>, or -1.</summary>
    public int PageIndexOfOffset(long offset)
    {
        int lo = 0, hi = Pages.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (Pages[mid].Offset == offset) return mid;
            if (Pages[mid].Offset < offset) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }

    /// <summary>Playback position of the first sample of the page starting at <paramref name="offset"/>.</summary>
    public TimeSpan PositionOf(long offset)
    {
        int page = PageIndexOfOffset(offset);
        if (page < 0) throw new ArgumentException($"offset {offset} is not the start of a page of track {Id}", nameof(offset));
        return SamplesToTime(PageStartSample(page));
    }

    /// <summary>
    /// How far audio can be decoded when the bytes from a page start up to <paramref name="contiguousEnd"/>
    /// are present: the end of the last complete page.
    /// </summary>
    public TimeSpan PlayableUntil(long contiguousEnd)
    {
        if (contiguousEnd >= ByteLength) return Duration;
        // Last page whose end is at or before contiguousEnd.
        int lo = 0, hi = Pages.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (PageEnd(mid) <= contiguousEnd) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return found < 0 ? TimeSpan.Zero : SamplesToTime(Math.Max(0, Pages[found].Granule - PreSkip));
    }

    /// <summary>The bytes that cover [from, from + length): whole pages, clamped to the track.</summary>
    public (long Start, long End) ByteRangeFor(TimeSpan from, TimeSpan length)
    {
        if (Pages.Count == 0) return (AudioStart, AudioStart);
        int first = PageIndexAt(from);
        var endTime = from + length;
        int last = endTime >= Duration ? Pages.Count - 1 : PageIndexAt(endTime - TimeSpan.FromTicks(1));
        return (Pages[first].Offset, PageEnd(Math.Max(first, last)));
    }

    public static TimeSpan SamplesToTime(long samples) => TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / SampleRate);
}
