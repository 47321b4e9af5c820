using System.Diagnostics;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using System.Text.Json;

namespace Spotify.Rx.Hosts.Tests;

/// <summary>
/// One real executable (Spotify.Rx.Server/Tracker/Client.dll) running in a host's namespace:
/// <c>ip netns exec NS dotnet X.dll ...</c>. Its output lines are kept, and can be awaited.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ReplaySubject<string> _lines = new();
    private readonly List<string> _all = [];

    private HostProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public static HostProcess Start(string ns, string host, string dll, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in (string[])["netns", "exec", ns, "dotnet", Path.Combine(AppContext.BaseDirectory, dll), .. args])
            start.ArgumentList.Add(a);
        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var node = new HostProcess(host, process);
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data, "");
        process.ErrorDataReceived += (_, e) => node.OnLine(e.Data, "stderr: ");
        process.Exited += (_, _) => node.OnExited();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    private void OnLine(string? line, string prefix)
    {
        if (line is null) return;
        lock (_all) _all.Add(prefix + line);
        _lines.OnNext(prefix + line);
    }

    private void OnExited() => _lines.OnNext($"(exited with {SafeExitCode()})");

    private string SafeExitCode()
    {
        try { return _process.ExitCode.ToString(); }
        catch (InvalidOperationException) { return "?"; }
    }

    /// <summary>Everything it printed so far, for a failure message.</summary>
    public string Output(int last = 40)
    {
        lock (_all) return $"--- {Name} ---\n" + string.Join('\n', _all.TakeLast(last));
    }

    /// <summary>The first line (printed before or after the call) that matches, within <paramref name="timeout"/>.</summary>
    public async Task<string> LineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        try
        {
            return await _lines.FirstAsync(match).ToTask().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name}: no {what} within {timeout.TotalSeconds:0} s\n{Output()}");
        }
    }

    /// <summary>The first <c>--json</c> line of <paramref name="kind"/> for which <paramref name="match"/> holds.</summary>
    public async Task<JsonElement> EventAsync(string kind, TimeSpan timeout, Func<JsonElement, bool>? match = null)
    {
        var line = await LineAsync(l => Event(l) is { } e && e.GetProperty("event").GetString() == kind && (match?.Invoke(e) ?? true), timeout, $"'{kind}' event");
        return Event(line)!.Value;
    }

    private static JsonElement? Event(string line)
    {
        if (!line.StartsWith("{\"event\":", StringComparison.Ordinal)) return null;
        try
        {
            return JsonDocument.Parse(line).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task<int> ExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name}: did not exit within {timeout.TotalSeconds:0} s\n{Output()}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no goodbye to peers, no removal at the tracker.</summary>
    public void KillHard() => _process.Kill();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _process.Dispose();
    }
}
