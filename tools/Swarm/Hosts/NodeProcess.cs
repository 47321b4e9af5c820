using System.Diagnostics;

namespace Spotify.Rx.Swarm.Hosts;

/// <summary>
/// One process of a <c>--hosts</c> run (Redis, the server, a tracker, a host of clients), started with
/// its command line, usually inside a host's namespace. Its last lines are kept for the message when it
/// fails; a line can be awaited (a node's "Now listening on"); it is killed on dispose.
/// </summary>
public sealed class NodeProcess : IDisposable
{
    private const int Kept = 40;
    private readonly Process _process;
    private readonly Queue<string> _last = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _awaited = [];
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private Action<string>? _onOutput;

    private NodeProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }
    public int Id => _process.Id;

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    /// <param name="onOutput">Sees every line of standard output (a host's events); null keeps them for <see cref="LastLines"/> only.</param>
    public static NodeProcess Start(string name, IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment = null,
        Action<string>? onOutput = null, bool withInput = false)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = withInput,
            UseShellExecute = false,
        };
        foreach (var a in command.Skip(1)) start.ArgumentList.Add(a);
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var node = new NodeProcess(name, process) { _onOutput = onOutput };
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data, fromOutput: true);
        process.ErrorDataReceived += (_, e) => node.OnLine(e.Data, fromOutput: false);
        process.Exited += (_, _) => node._exited.TrySetResult(node.SafeExitCode());
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{name}: could not start {command[0]}: {e.Message}", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    private void OnLine(string? line, bool fromOutput)
    {
        if (line is null) return;
        if (fromOutput && _onOutput is { } forward)
        {
            // A host's events are its output; only what is not an event is worth keeping for a failure.
            if (line.StartsWith('{')) { forward(line); return; }
        }
        List<TaskCompletionSource<string>> seen = [];
        lock (_gate)
        {
            _last.Enqueue(fromOutput ? line : "stderr: " + line);
            while (_last.Count > Kept) _last.Dequeue();
            for (int i = _awaited.Count - 1; i >= 0; i--)
            {
                if (!_awaited[i].Match(line)) continue;
                seen.Add(_awaited[i].Seen);
                _awaited.RemoveAt(i);
            }
        }
        foreach (var s in seen) s.TrySetResult(line);
    }

    /// <summary>The first line, printed so far or from now on, that matches, within <paramref name="timeout"/>; the process ending first is an error with its last lines.</summary>
    public async Task<string> LineAsync(Func<string, bool> match, TimeSpan timeout, string what, CancellationToken ct)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var already = _last.FirstOrDefault(match);
            if (already is not null) return already;
            _awaited.Add((match, seen));
        }
        try
        {
            var first = await Task.WhenAny(seen.Task, _exited.Task).WaitAsync(timeout, ct).ConfigureAwait(false);
            if (first == seen.Task) return seen.Task.Result;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name}: no {what} within {timeout.TotalSeconds:0} s\n{LastLines()}");
        }
        throw new InvalidOperationException($"{Name} exited with code {_exited.Task.Result} before its {what}\n{LastLines()}");
    }

    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Closes its standard input: a host takes that as the end of the run.</summary>
    public void CloseInput()
    {
        try { _process.StandardInput.Close(); }
        catch (IOException) { }
    }

    public string LastLines()
    {
        lock (_gate) return $"--- {Name} ---\n" + string.Join('\n', _last);
    }

    /// <summary>The CPU time the process has used so far and its threads now, read once (zero once it is gone).</summary>
    public (TimeSpan Cpu, int Threads) Usage()
    {
        try
        {
            _process.Refresh();
            return _process.HasExited ? default : (_process.TotalProcessorTime, _process.Threads.Count);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            return default;
        }
    }

    private int SafeExitCode()
    {
        try { return _process.ExitCode; }
        catch (InvalidOperationException) { return -1; }
    }

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
