namespace Spotify.Rx.Playback.Ogg;

/// <summary>
/// Reads Ogg pages one at a time from a stream positioned at a page boundary — the start of the file or any
/// page offset from a seek index. Each page's checksum is verified; <see cref="OggPage.Data"/> is its own copy.
/// </summary>
public sealed class OggPageReader(Stream stream, long startOffset = 0)
{
    private readonly byte[] _header = new byte[OggPage.HeaderSize + OggPage.MaxSegments];

    /// <summary>File offset of the next page to be read.</summary>
    public long Offset { get; private set; } = startOffset;

    /// <summary>The next page, or null at a clean end of stream. A truncated page is an error.</summary>
    public async ValueTask<OggPage?> ReadPageAsync(CancellationToken ct = default)
    {
        int got = await stream.ReadAtLeastAsync(_header.AsMemory(0, OggPage.HeaderSize), OggPage.HeaderSize, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (got == 0) return null;
        if (got < OggPage.HeaderSize) throw new EndOfStreamException($"truncated Ogg page header at offset {Offset}");
        int segments = _header[26];
        await stream.ReadExactlyAsync(_header.AsMemory(OggPage.HeaderSize, segments), ct).ConfigureAwait(false);
        int length = OggPage.PeekLength(_header.AsSpan(0, OggPage.HeaderSize + segments));
        var page = new byte[length];
        _header.AsSpan(0, OggPage.HeaderSize + segments).CopyTo(page);
        await stream.ReadExactlyAsync(page.AsMemory(OggPage.HeaderSize + segments), ct).ConfigureAwait(false);
        return Complete(page);
    }

    /// <summary>Synchronous twin of <see cref="ReadPageAsync"/>.</summary>
    public OggPage? ReadPage()
    {
        int got = stream.ReadAtLeast(_header.AsSpan(0, OggPage.HeaderSize), OggPage.HeaderSize, throwOnEndOfStream: false);
        if (got == 0) return null;
        if (got < OggPage.HeaderSize) throw new EndOfStreamException($"truncated Ogg page header at offset {Offset}");
        int segments = _header[26];
        stream.ReadExactly(_header.AsSpan(OggPage.HeaderSize, segments));
        int length = OggPage.PeekLength(_header.AsSpan(0, OggPage.HeaderSize + segments));
        var page = new byte[length];
        _header.AsSpan(0, OggPage.HeaderSize + segments).CopyTo(page);
        stream.ReadExactly(page.AsSpan(OggPage.HeaderSize + segments));
        return Complete(page);
    }

    private OggPage Complete(byte[] bytes)
    {
        var page = OggPage.TryParse(bytes) ?? throw new InvalidDataException($"incomplete Ogg page at offset {Offset}");
        Offset += page.Length;
        return page;
    }

    /// <summary>All remaining pages with their file offsets.</summary>
    public async IAsyncEnumerable<(long Offset, OggPage Page)> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        while (true)
        {
            long offset = Offset;
            var page = await ReadPageAsync(ct).ConfigureAwait(false);
            if (page is null) yield break;
            yield return (offset, page);
        }
    }
}
