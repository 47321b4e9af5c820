using System.Diagnostics;

namespace Spotify.Rx.Tools.Tests;

/// <summary>One run of a tool's executable (its built dll under <c>dotnet</c>), with what it printed and its exit code.</summary>
public sealed record ToolRun(int ExitCode, string Out, string Error)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<ToolRun> RunAsync(string tool, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(DllOf(tool));
        foreach (var a in args) start.ArgumentList.Add(a);
        // Plain output: no live view or progress bars when nobody watches.
        start.Environment["TERM"] = "dumb";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} still running after {Patience}");
        }
        return new ToolRun(process.ExitCode, await output, await error);
    }

    // tools/<Tool>/bin/<Configuration>/net10.0/Spotify.Rx.<Tool>.dll, next to this test's own build.
    private static string DllOf(string tool)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = here.Name;
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Spotify.Rx.sln"))) root = root.Parent;
        var dll = Path.Combine(root!.FullName, "tools", tool, "bin", configuration, framework, $"Spotify.Rx.{tool}.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{tool} is not built at {dll}");
    }
}
