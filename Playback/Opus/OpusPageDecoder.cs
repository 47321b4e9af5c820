using Concentus;
using Spotify.Rx.Playback.Ogg;

namespace Spotify.Rx.Playback.Opus;

/// <summary>
/// Decodes the audio pages of one Ogg Opus stream to interleaved 16-bit PCM, page by page, cutting pre-skip
/// from the start and the end-trimmed tail from the last page (RFC 7845 §4.2, §4.4). Keeps decoder state from
/// page to page, so it must see pages in order; <see cref="Reset"/> before jumping elsewhere.
/// </summary>
public sealed class OpusPageDecoder
{
    private readonly IOpusDecoder _decoder = OpusCodec.CreateDecoder();
    private readonly short[] _packetPcm = new short[5760 * OpusFormat.Channels];
    private byte[]? _partial;   // a packet that continues onto the next page

    public int PreSkip { get; }

    public OpusPageDecoder(int preSkip) => PreSkip = preSkip;

    public void Reset()
    {
        _decoder.ResetState();
        _partial = null;
    }

    /// <summary>
    /// Decodes <paramref name="page"/>, whose first packet starts at <paramref name="startGranule"/> (the
    /// previous page's granule), and appends the audible samples to <paramref name="output"/>. Returns the
    /// playback sample (after pre-skip) of the first appended frame.
    /// </summary>
    public long DecodePage(OggPage page, long startGranule, List<short> output)
    {
        long granule = startGranule;
        long firstSample = Math.Max(0, startGranule - PreSkip);
        for (int i = 0; i < page.Pieces.Count; i++)
        {
            var piece = page.Pieces[i];
            if (i == page.Pieces.Count - 1 && page.LastPacketContinues)
            {
                _partial = _partial is null ? piece.ToArray() : [.. _partial, .. piece.Span];
                break;
            }
            ReadOnlySpan<byte> packet = i == 0 && page.IsContinued && _partial is not null
                ? [.. _partial, .. piece.Span]
                : piece.Span;
            _partial = null;

            int frames = _decoder.Decode(packet, _packetPcm, _packetPcm.Length / OpusFormat.Channels, false);
            long from = Math.Max(granule, PreSkip);
            // Samples before pre-skip are the encoder's lookahead; samples past the granule of the last page
            // are padding (§4.4); only the rest is audio.
            long to = page.IsEndOfStream ? Math.Min(granule + frames, page.Granule) : granule + frames;
            for (long g = from; g < to; g++)
            {
                int at = (int)(g - granule) * OpusFormat.Channels;
                for (int c = 0; c < OpusFormat.Channels; c++) output.Add(_packetPcm[at + c]);
            }
            granule += frames;
        }
        return firstSample;
    }

    /// <summary>Samples (per channel) a page's packets hold before end trimming.</summary>
    public static long StartGranuleOf(OggPage page) => page.Granule - (long)page.CompletedPackets * OpusFormat.FrameSamples;
}
