using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Spotify.Rx.Testing;

/// <summary>
/// A logger provider that keeps every Error and Critical entry a node writes (the <c>fail:</c> and
/// <c>crit:</c> lines of its console), so a test that starts a real node can assert that nothing it
/// did made the node log one: bad input is refused with a reason, never an unhandled exception.
/// </summary>
public sealed class ErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _entries);

    /// <summary>Throws with every entry when there is one.</summary>
    public void AssertEmpty(string node)
    {
        if (!_entries.IsEmpty)
            throw new InvalidOperationException($"{node} logged {_entries.Count} error(s):\n" + string.Join("\n", _entries));
    }

    public void Dispose() { }

    private sealed class Recorder(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            entries.Enqueue($"{(logLevel == LogLevel.Critical ? "crit" : "fail")}: {category}: {formatter(state, exception)}" + (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})"));
        }
    }
}
