namespace Spotify.Rx.Marbles;

/// <summary>
/// A diagram that cannot be read. The message names the 1-based column and points at it, so
/// the author sees at once which character of which diagram is wrong.
/// </summary>
public sealed class MarbleDiagramException : FormatException
{
    public MarbleDiagramException(string diagram, int column, string problem)
        : base($"{problem} (column {column})\n  {diagram}\n  {new string(' ', Math.Max(0, column - 1))}^")
    {
        Diagram = diagram;
        Column = column;
        Problem = problem;
    }

    /// <summary>The diagram as the test wrote it.</summary>
    public string Diagram { get; }

    /// <summary>The 1-based column of the offending character.</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }
}
