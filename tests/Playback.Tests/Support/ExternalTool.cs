using System.Diagnostics;

namespace Spotify.Rx.Playback.Tests.Support;

/// <summary>
/// Runs an independent tool (ffmpeg, opusinfo). A missing tool fails the test with how to install it, never
/// skips it: tools/test.sh installs them, and a check that silently does not run checks nothing.
/// </summary>
public static class ExternalTool
{
    public sealed record Result(int ExitCode, byte[] Output, string Errors);

    public static string Require(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new Xunit.Sdk.XunitException($"'{name}' is not on PATH: apt-get install -y ffmpeg opus-tools (bash tools/test.sh does this)");
    }

    public static async Task<Result> RunAsync(string name, params string[] arguments)
    {
        var start = new ProcessStartInfo(Require(name)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        await copy;
        return new Result(process.ExitCode, output.ToArray(), await errors);
    }
}
