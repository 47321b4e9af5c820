using System.Diagnostics;
using System.Runtime.InteropServices;
using Spotify.Rx.Playback.Opus;

namespace Spotify.Rx.Playback.Player;

/// <summary>
/// The audio device on Linux: raw PCM piped into <c>pw-play</c> (PipeWire) or <c>aplay</c> (ALSA), whichever is
/// installed. The pipe's back-pressure paces nothing: the player's clock does, so use speed 1 with this sink.
/// (Only NAudio.Core is referenced, which has no device output; on Windows use the WAV sink.)
/// </summary>
public sealed class ProcessSink : IAudioSink
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private byte[] _scratch = [];

    public string Player { get; }

    private ProcessSink(string player, Process process)
    {
        Player = player;
        _process = process;
        _stdin = process.StandardInput.BaseStream;
    }

    /// <summary>The commands tried, in order, with their arguments for raw 48 kHz stereo s16le on stdin.</summary>
    public static readonly IReadOnlyList<(string Command, string[] Arguments)> Candidates =
    [
        ("pw-play", ["--format", "s16", "--rate", OpusFormat.SampleRate.ToString(), "--channels", OpusFormat.Channels.ToString(), "-"]),
        ("aplay", ["-q", "-t", "raw", "-f", "S16_LE", "-r", OpusFormat.SampleRate.ToString(), "-c", OpusFormat.Channels.ToString(), "-"]),
    ];

    /// <summary>Starts the first player found on PATH; throws with what to install when there is none.</summary>
    public static ProcessSink Start()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            throw new PlatformNotSupportedException("device output is implemented for Linux (pw-play or aplay); use the WAV sink here");
        foreach (var (command, arguments) in Candidates)
        {
            string? path = FindOnPath(command);
            if (path is null) continue;
            var start = new ProcessStartInfo(path) { RedirectStandardInput = true, UseShellExecute = false };
            foreach (string a in arguments) start.ArgumentList.Add(a);
            return new ProcessSink(command, Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}"));
        }
        throw new InvalidOperationException(
            "no audio player found: install PipeWire's pw-play (apt-get install pipewire-bin) or ALSA's aplay (apt-get install alsa-utils), or play to a WAV file instead");
    }

    public static string? FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);

    public void Write(ReadOnlySpan<short> interleaved)
    {
        int bytes = interleaved.Length * 2;
        if (_scratch.Length < bytes) _scratch = new byte[bytes];
        MemoryMarshal.AsBytes(interleaved).CopyTo(_scratch);
        _stdin.Write(_scratch, 0, bytes);
    }

    public void Dispose()
    {
        try { _stdin.Dispose(); } catch (IOException) { }
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5))) _process.Kill();
        _process.Dispose();
    }
}
