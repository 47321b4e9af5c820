using NAudio.Wave;
using NAudio.Wave.SampleProviders;
using NLayer;
using NVorbis;
using Spotify.Rx.Playback.Opus;

namespace Spotify.Rx.Playback.Import;

/// <summary>
/// A file a user brings, opened as 48 kHz stereo float samples with its title and artist: MP3 (NLayer),
/// WAV and AIFF (NAudio), Ogg Vorbis (NVorbis). Mono is spread to both sides; other rates are resampled (WDL).
/// </summary>
public sealed class SourceAudio : IDisposable
{
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { ".mp3", ".wav", ".aif", ".aiff", ".ogg", ".oga" };

    private readonly IDisposable _owner;
    public ISampleProvider Samples { get; }
    public string? Title { get; }
    public string? Artist { get; }

    private SourceAudio(IDisposable owner, ISampleProvider samples, string? title, string? artist)
    {
        _owner = owner;
        Samples = To48kStereo(samples);
        Title = string.IsNullOrWhiteSpace(title) ? null : title.Trim();
        Artist = string.IsNullOrWhiteSpace(artist) ? null : artist.Trim();
    }

    /// <summary>Opens <paramref name="path"/> by its extension; throws on a file that is not what it claims.</summary>
    public static SourceAudio Open(string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".mp3" => OpenMp3(path),
            ".wav" => OpenWave(path),
            ".aif" or ".aiff" => OpenAiff(path),
            ".ogg" or ".oga" => OpenVorbis(path),
            _ => throw new NotSupportedException($"unsupported file type '{extension}'"),
        };
    }

    private static SourceAudio OpenMp3(string path)
    {
        var (title, artist) = Id3Tags.Read(path);
        var mpeg = new MpegFile(path);
        return new SourceAudio(mpeg, new MpegSamples(mpeg), title, artist);
    }

    private static SourceAudio OpenWave(string path)
    {
        var reader = new WaveFileReader(path);
        var info = reader.Chunks.Contains("LIST") ? reader.Chunks.Read(InfoListInterpreter.Instance) : null;
        return new SourceAudio(reader, reader.ToSampleProvider(), info?.Title, info?.Artist);
    }

    private static SourceAudio OpenAiff(string path)
    {
        string? title = null, artist = null;
        using (var stream = File.OpenRead(path))
        {
            var chunks = new List<AiffFileReader.AiffChunk>();
            AiffFileReader.ReadAiffHeader(stream, out _, out _, out _, chunks);
            foreach (var chunk in chunks)
            {
                if (chunk.ChunkName is not ("NAME" or "AUTH") || chunk.ChunkLength > 4096) continue;
                var text = new byte[chunk.ChunkLength];
                stream.Position = chunk.ChunkStart + 8;   // ChunkStart is the chunk header: 4-byte id, 4-byte length
                stream.ReadExactly(text);
                string value = System.Text.Encoding.Latin1.GetString(text).TrimEnd('\0');
                if (chunk.ChunkName == "NAME") title = value; else artist = value;
            }
        }
        var reader = new AiffFileReader(path);
        return new SourceAudio(reader, reader.ToSampleProvider(), title, artist);
    }

    private static SourceAudio OpenVorbis(string path)
    {
        var vorbis = new VorbisReader(path);
        return new SourceAudio(vorbis, new VorbisSamples(vorbis), vorbis.Tags.Title, vorbis.Tags.Artist);
    }

    private static ISampleProvider To48kStereo(ISampleProvider source)
    {
        if (source.WaveFormat.Channels == 1) source = new MonoToStereoSampleProvider(source);
        else if (source.WaveFormat.Channels != 2) throw new NotSupportedException($"{source.WaveFormat.Channels} channels; only mono and stereo are imported");
        if (source.WaveFormat.SampleRate != OpusFormat.SampleRate) source = new WdlResamplingSampleProvider(source, OpusFormat.SampleRate);
        return source;
    }

    public void Dispose() => _owner.Dispose();

    private sealed class MpegSamples(MpegFile mpeg) : ISampleProvider
    {
        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(mpeg.SampleRate, mpeg.Channels);
        public int Read(Span<float> buffer) => mpeg.ReadSamples(buffer);
    }

    private sealed class VorbisSamples(VorbisReader vorbis) : ISampleProvider
    {
        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(vorbis.SampleRate, vorbis.Channels);
        public int Read(Span<float> buffer) => vorbis.ReadSamples(buffer);
    }
}
