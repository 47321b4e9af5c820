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
    private readonly ConcurrentBag<string> _expected = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _entries);

    /// <summary>
    /// Errors of this category are what the test provokes on purpose (a store the test kills makes the
    /// health checks log Unhealthy as an error, as an operator would want): they do not fail the test.
    /// </summary>
    public void Expect(string category) => _expected.Add(category);

    /// <summary>Throws with every entry, except the expected categories', when there is one.</summary>
    public void AssertEmpty(string node)
    {
        var unexpected = _entries.Where(e => !_expected.Any(c => e.Contains($": {c}:", StringComparison.Ordinal))).ToList();
        if (unexpected.Count > 0)
            throw new InvalidOperationException($"{node} logged {unexpected.Count} error(s):\n" + string.Join("\n", unexpected));
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
