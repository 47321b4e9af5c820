using Concentus;
using Spotify.Rx.Playback.Ogg;
using Spotify.Rx.Playback.Tracks;

namespace Spotify.Rx.Playback.Opus;

/// <summary>What <see cref="OggOpusWriter.Finish"/> wrote: enough to build a manifest without reading the file back.</summary>
public sealed record OggOpusResult(int PreSkip, long Samples, long ByteLength, IReadOnlyList<SeekPoint> Pages)
{
    public TimeSpan Duration => TrackManifest.SamplesToTime(Samples);
}

/// <summary>
/// Encodes interleaved 48 kHz stereo PCM to Ogg Opus (RFC 7845): OpusHead on the first page, OpusTags on the
/// second, then pages of <see cref="OpusFormat.PacketsPerPage"/> 400-byte packets. The granule of each page is
/// the 48 kHz sample count (pre-skip included) at the end of its last packet; the last page's granule is cut
/// back to the real end of the audio (§4.4 end trimming).
/// </summary>
public sealed class OggOpusWriter
{
    private readonly Stream _output;
    private readonly IOpusEncoder _encoder;
    private readonly uint _serial;
    private readonly short[] _frame = new short[OpusFormat.FrameSamples * OpusFormat.Channels];
    private readonly byte[] _packetBuffer = new byte[1275 * 3];
    private readonly List<ReadOnlyMemory<byte>> _pagePackets = new(OpusFormat.PacketsPerPage);
    private readonly List<SeekPoint> _pages = [];
    private int _frameFill;      // interleaved samples in _frame
    private long _inputFrames;   // samples per channel taken in
    private long _packets;
    private uint _sequence;
    private long _written;
    private bool _finished;

    public int PreSkip { get; }

    public OggOpusWriter(Stream output, OpusTags tags, uint serial, int complexity = OpusCodec.DefaultComplexity)
    {
        _output = output;
        _serial = serial;
        _encoder = OpusCodec.CreateEncoder(complexity);
        // §4.2: the decoder drops the encoder's lookahead from the start; it is what pre-skip is for.
        PreSkip = _encoder.Lookahead;
        WritePage(OggHeaderType.BeginningOfStream, 0, [new OpusHead(OpusFormat.Channels, PreSkip, OpusFormat.SampleRate).ToBytes()]);
        WritePage(OggHeaderType.None, 0, [tags.ToBytes()]);
    }

    /// <summary>Appends interleaved stereo samples in [-1, 1] (louder is clipped).</summary>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        if (_finished) throw new InvalidOperationException("the stream is finished");
        if (interleaved.Length % OpusFormat.Channels != 0) throw new ArgumentException("samples must be whole stereo frames", nameof(interleaved));
        foreach (float s in interleaved)
        {
            _frame[_frameFill++] = ToInt16(s);
            if (_frameFill == _frame.Length) EncodeFrame();
        }
        _inputFrames += interleaved.Length / OpusFormat.Channels;
    }

    /// <summary>Converted once, here, so the encoder sees the same integers on every machine.</summary>
    private static short ToInt16(float s) => (short)Math.Clamp(MathF.Round(s * 32767f), -32768f, 32767f);

    /// <summary>Flushes the last packets and the end-of-stream page.</summary>
    public OggOpusResult Finish()
    {
        if (_finished) throw new InvalidOperationException("the stream is finished");
        _finished = true;
        long endGranule = _inputFrames + PreSkip;
        // Feed silence until the packets cover the lookahead too, so the last real sample is encoded.
        while (_packets * OpusFormat.FrameSamples < endGranule)
        {
            Array.Clear(_frame, _frameFill, _frame.Length - _frameFill);
            _frameFill = _frame.Length;
            EncodeFrame(final: true, endGranule);
        }
        if (_pagePackets.Count > 0) FlushPage(endGranule, endOfStream: true);
        _output.Flush();
        return new OggOpusResult(PreSkip, _inputFrames, _written, _pages);
    }

    private void EncodeFrame(bool final = false, long endGranule = 0)
    {
        int length = _encoder.Encode(_frame, OpusFormat.FrameSamples, _packetBuffer, _packetBuffer.Length);
        if (length != OpusFormat.PacketBytes)
            throw new InvalidOperationException($"CBR encoder produced a {length}-byte packet; the format needs {OpusFormat.PacketBytes}");
        _frameFill = 0;
        _packets++;
        _pagePackets.Add(_packetBuffer.AsSpan(0, length).ToArray());
        if (_pagePackets.Count == OpusFormat.PacketsPerPage)
        {
            bool last = final && _packets * OpusFormat.FrameSamples >= endGranule;
            FlushPage(last ? endGranule : _packets * OpusFormat.FrameSamples, last);
        }
    }

    private void FlushPage(long granule, bool endOfStream)
    {
        _pages.Add(new SeekPoint(_written, granule));
        WritePage(endOfStream ? OggHeaderType.EndOfStream : OggHeaderType.None, granule, _pagePackets);
        _pagePackets.Clear();
    }

    private void WritePage(OggHeaderType type, long granule, IReadOnlyList<ReadOnlyMemory<byte>> packets)
    {
        var page = OggPage.Build(type, granule, _serial, _sequence++, packets);
        _output.Write(page);
        _written += page.Length;
    }
}
