using Spotify.Rx.Playback.Ogg;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Playback.Opus;

/// <summary>
/// Decodes a whole track, or the part from any page, to interleaved 16-bit PCM.
/// <para>
/// Seeking is exact by pre-roll (RFC 7845 §4.6): to start at page k the decoder first decodes page k − 1 and
/// throws that audio away. The CELT decoder carries state from packet to packet (overlap, energy prediction,
/// the post-filter's pitch history, de-emphasis); one page (50 packets, 1 s) of pre-roll brings it to the very
/// state it has when decoding from the start, so the samples match bit for bit (a test checks every page).
/// Fewer packets converge only approximately (16 packets still leave ±2 differences).
/// </para>
/// </summary>
public static class TrackPcm
{
    /// <summary>
    /// Interleaved stereo samples from the start of page <paramref name="firstPage"/> (playback sample
    /// <see cref="TrackManifest.PageStartSample"/>) up to the end of page <paramref name="endPage"/> − 1.
    /// </summary>
    public static short[] Decode(TrackManifest manifest, ReadOnlyMemory<byte> file, int firstPage = 0, int endPage = -1, bool preRoll = true)
    {
        if (endPage < 0) endPage = manifest.Pages.Count;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstPage, endPage);
        var decoder = new OpusPageDecoder(manifest.PreSkip);
        if (preRoll && firstPage > 0) decoder.DecodePage(PageAt(manifest, file, firstPage - 1), StartGranule(manifest, firstPage - 1), []);
        var pcm = new List<short>();
        for (int page = firstPage; page < endPage; page++)
            decoder.DecodePage(PageAt(manifest, file, page), StartGranule(manifest, page), pcm);
        return [.. pcm];
    }

    /// <summary>The granule at which page <paramref name="page"/>'s first packet starts.</summary>
    public static long StartGranule(TrackManifest manifest, int page) => page == 0 ? 0 : manifest.Pages[page - 1].Granule;

    public static OggPage PageAt(TrackManifest manifest, ReadOnlyMemory<byte> file, int page)
    {
        long start = manifest.Pages[page].Offset, end = manifest.PageEnd(page);
        return OggPage.TryParse(file[(int)start..(int)end]) ?? throw new InvalidDataException($"page {page} of {manifest.Id} is incomplete");
    }
}
