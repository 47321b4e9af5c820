using Microsoft.Extensions.Logging;

namespace Spotify.Rx.Client.Cli;

/// <summary>
/// One line per log entry to a writer: the terminal's stderr (exceptions as their message only, so a
/// user never sees a stack trace) or the <c>--log</c> file (exceptions in full, for whoever debugs).
/// </summary>
internal sealed class LineLoggerProvider(TextWriter writer, LogLevel minimum, bool fullExceptions, bool ownsWriter) : ILoggerProvider
{
    private readonly TextWriter _writer = TextWriter.Synchronized(writer);
    private readonly LogLevel _minimum = minimum;
    private readonly bool _full = fullExceptions;

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, ShortCategory(categoryName));

    // "Spotify.Rx.Wire.Overlay.PeerNode" -> "PeerNode"; the client's own "Spotify.Rx.Client.<peer>" keeps the peer id.
    private static string ShortCategory(string category) =>
        category.StartsWith("Spotify.Rx.Client.", StringComparison.Ordinal) ? category["Spotify.Rx.Client.".Length..]
        : category[(category.LastIndexOf('.') + 1)..];

    public void Dispose()
    {
        _writer.Flush();
        if (ownsWriter) _writer.Dispose();
    }

    private sealed class LineLogger(LineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception).ReplaceLineEndings(" ");
            var line = $"{DateTimeOffset.Now:HH:mm:ss.fff} {Level(logLevel)}: {category}: {message}";
            if (exception is not null)
                line += provider._full ? Environment.NewLine + exception : $" ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")})";
            provider._writer.WriteLine(line);
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }

}
