using System.Diagnostics;
using System.Text.Json;

namespace Spotify.Rx.Client.Tests.Cli;

/// <summary>
/// The real client executable (the build's Spotify.Rx.Client.dll under <c>dotnet</c>) as a process:
/// stdin to write commands to, every stdout and stderr line kept in order. Waits are for a line that
/// matches, from a given line on, with a timeout; nothing sleeps.
/// </summary>
internal sealed class ClientProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _out = new();
    private readonly List<string> _err = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _reading;

    private ClientProcess(Process process)
    {
        _process = process;
        _reading = Task.WhenAll(ReadAsync(process.StandardOutput, _out), ReadAsync(process.StandardError, _err));
    }

    public static ClientProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Spotify.Rx.Client.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        // The test's own Client__X must not leak into the child: only what the test gives.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Client__", StringComparison.OrdinalIgnoreCase)).ToList()) info.Environment.Remove(key);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return new ClientProcess(Process.Start(info)!);
    }

    public IReadOnlyList<string> Out { get { lock (_out) return _out.ToArray(); } }
    public IReadOnlyList<string> Err { get { lock (_err) return _err.ToArray(); } }

    /// <summary>Writes one command line; returns the count of stdout lines so far, to wait for its answer from there.</summary>
    public async Task<int> SendAsync(string line)
    {
        int at;
        lock (_out) at = _out.Count;
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
        return at;
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>The first JSON line at or after <paramref name="from"/> that <paramref name="match"/> accepts, and its index.</summary>
    public async Task<(JsonElement Line, int Index)> WaitAsync(int from, Func<JsonElement, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var next = from;
        while (true)
        {
            string[] lines;
            lock (_out) lines = _out.Skip(next).ToArray();
            foreach (var line in lines)
            {
                next++;
                if (!line.StartsWith('{')) continue;
                var json = JsonDocument.Parse(line).RootElement;
                if (match(json)) return (json, next - 1);
            }
            var left = deadline - DateTime.UtcNow;
            if (_process.HasExited && _reading.IsCompleted && next >= Out.Count)
                throw new Xunit.Sdk.XunitException($"the client exited ({_process.ExitCode}) before {what}.\n{Transcript()}");
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
                throw new TimeoutException($"no {what} within the timeout.\n{Transcript()}");
        }
    }

    /// <summary>The first stderr line that <paramref name="match"/> accepts.</summary>
    public async Task<string> WaitErrAsync(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (Err.FirstOrDefault(match) is { } line) return line;
            var left = deadline - DateTime.UtcNow;
            if (_process.HasExited && _reading.IsCompleted)
                throw new Xunit.Sdk.XunitException($"the client exited ({_process.ExitCode}) before {what}.\n{Transcript()}");
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
                throw new TimeoutException($"no {what} within the timeout.\n{Transcript()}");
        }
    }

    /// <summary>Waits for the process to end; its exit code.</summary>
    public async Task<int> ExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the client did not exit within {timeout}.\n{Transcript()}");
        }
        await _reading.WaitAsync(timeout);
        return _process.ExitCode;
    }

    public string Transcript() => $"--- stdout (last 40)\n{string.Join('\n', Out.TakeLast(40))}\n--- stderr\n{string.Join('\n', Err.TakeLast(40))}";

    private async Task ReadAsync(StreamReader reader, List<string> into)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (into) into.Add(line);
            _arrived.Release();
        }
        _arrived.Release();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
