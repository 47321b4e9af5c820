using System.Security.Cryptography;
using Spotify.Rx.Playback.Ogg;
using Spotify.Rx.Playback.Opus;

namespace Spotify.Rx.Playback.Tracks;

/// <summary>Builds a <see cref="TrackManifest"/> from the bytes of an Ogg Opus file.</summary>
public static class ManifestBuilder
{
    /// <summary>
    /// Reads every page of <paramref name="file"/>: checks OpusHead and OpusTags, indexes every audio page and
    /// hashes every chunk. Title and artist come from OpusTags unless given.
    /// </summary>
    public static TrackManifest Build(string id, ReadOnlyMemory<byte> file, string? title = null, string? artist = null,
        int chunkSize = TrackManifest.DefaultChunkSize)
    {
        if (!TrackLibrary.IsValidId(id)) throw new ArgumentException($"'{id}' is not a track id", nameof(id));
        OpusHead? head = null;
        OpusTags? tags = null;
        var pages = new List<SeekPoint>();
        var headerPacket = new List<byte>();
        int headerPackets = 0;
        long offset = 0;
        while (offset < file.Length)
        {
            var page = OggPage.TryParse(file[(int)offset..]) ?? throw new InvalidDataException($"truncated Ogg page at offset {offset}");
            if (headerPackets < 2)
            {
                // RFC 7845 §3: OpusHead alone on the first page, OpusTags ends its own page; audio follows.
                for (int i = 0; i < page.Pieces.Count; i++)
                {
                    headerPacket.AddRange(page.Pieces[i].Span);
                    if (i == page.Pieces.Count - 1 && page.LastPacketContinues) break;
                    if (headerPackets == 0) head = OpusHead.Parse(headerPacket.ToArray());
                    else tags = OpusTags.Parse(headerPacket.ToArray());
                    headerPacket.Clear();
                    headerPackets++;
                }
            }
            else
            {
                pages.Add(new SeekPoint(offset, page.Granule));
            }
            offset += page.Length;
        }
        if (head is null || tags is null) throw new InvalidDataException("not an Ogg Opus stream: OpusHead or OpusTags missing");
        if (head.Channels != OpusFormat.Channels) throw new InvalidDataException($"{head.Channels} channels; the one encoding is stereo");
        if (pages.Count == 0) throw new InvalidDataException("no audio pages");

        return new TrackManifest
        {
            Id = id,
            Title = title ?? tags["TITLE"] ?? id,
            Artist = artist ?? tags["ARTIST"] ?? "Unknown artist",
            Duration = TrackManifest.SamplesToTime(Math.Max(0, pages[^1].Granule - head.PreSkip)),
            ByteLength = file.Length,
            ChunkSize = chunkSize,
            ChunkHashes = HashChunks(file.Span, chunkSize),
            PreSkip = head.PreSkip,
            Channels = head.Channels,
            Pages = pages,
        };
    }

    public static IReadOnlyList<string> HashChunks(ReadOnlySpan<byte> file, int chunkSize)
    {
        var hashes = new List<string>((file.Length + chunkSize - 1) / chunkSize);
        for (int start = 0; start < file.Length; start += chunkSize)
            hashes.Add(HashChunk(file.Slice(start, Math.Min(chunkSize, file.Length - start))));
        return hashes;
    }

    /// <summary>Lower-case hex SHA-256, the form the manifest stores.</summary>
    public static string HashChunk(ReadOnlySpan<byte> chunk) => Convert.ToHexStringLower(SHA256.HashData(chunk));
}
