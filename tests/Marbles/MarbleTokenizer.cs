using System.Globalization;
using System.Text.RegularExpressions;

namespace Spotify.Rx.Marbles;

/// <summary>
/// One symbol of a diagram that is not time itself: a marble, <c>|</c>, <c>#</c>, <c>^</c>, <c>!</c> or anything
/// unknown (the parser that asked decides what it may be). <see cref="Ticks"/> is when it happens: the start of
/// its group inside one, its own frame otherwise. <see cref="GroupColumn"/> is the column of the <c>(</c> it
/// stands in, or null.
/// </summary>
internal readonly record struct MarbleToken(char Symbol, int Column, long Ticks, int? GroupColumn);

/// <summary>
/// The part every diagram shares (tests/Marbles/README.md): spaces take no time, <c>-</c> and every symbol take one frame,
/// time progressions (<c>500ms</c>, <c>10s</c>, <c>2m</c>) take their time, and a group <c>( )</c> puts its
/// symbols at the time it opened while taking a frame for each of its characters. Event diagrams and
/// subscription diagrams read their symbols from here; the malformed time and groups are refused here, once.
/// </summary>
internal static partial class MarbleTokenizer
{
    // A time progression must stand alone: preceded by a space or the start of the diagram,
    // followed by a space or its end (RxJS asks for the space after; the end is allowed too).
    [GeneratedRegex(@"\G(\d+(?:\.\d+)?)(ms|s|m)(?= |$)", RegexOptions.CultureInvariant)]
    private static partial Regex TimeProgression();

    /// <summary>
    /// The symbols of <paramref name="diagram"/> in order, lazily: whatever the caller throws for a symbol comes
    /// before any error further right, as a reader scanning left to right would find it.
    /// </summary>
    public static IEnumerable<MarbleToken> Tokenize(string diagram, long frameTicks, bool emptyGroupsAllowed)
    {
        long time = 0;
        long? groupStart = null;
        var groupColumn = 0;
        var groupSize = 0;

        for (var i = 0; i < diagram.Length; i++)
        {
            var c = diagram[i];
            var column = i + 1;

            if (TryTimeProgression(diagram, i, out var progression, out var length))
            {
                if (groupStart is not null)
                {
                    throw new MarbleDiagramException(diagram, column, "a time progression cannot stand inside a group");
                }

                time += progression.Ticks;
                i += length - 1;
                continue;
            }

            switch (c)
            {
                case ' ':
                    continue;
                case '-':
                    time += frameTicks;
                    continue;
                case '(':
                    if (groupStart is not null)
                    {
                        throw new MarbleDiagramException(diagram, column, $"a group cannot open inside the group opened at column {groupColumn}");
                    }

                    groupStart = time;
                    groupColumn = column;
                    groupSize = 0;
                    time += frameTicks;
                    continue;
                case ')':
                    if (groupStart is null)
                    {
                        throw new MarbleDiagramException(diagram, column, "unbalanced parentheses: ')' closes no group");
                    }

                    if (groupSize == 0 && !emptyGroupsAllowed)
                    {
                        throw new MarbleDiagramException(diagram, column, "an empty group says nothing");
                    }

                    groupStart = null;
                    time += frameTicks;
                    continue;
            }

            yield return new MarbleToken(c, column, groupStart ?? time, groupStart is null ? null : groupColumn);
            groupSize++;
            time += frameTicks;
        }

        if (groupStart is not null)
        {
            throw new MarbleDiagramException(diagram, groupColumn, "unbalanced parentheses: '(' is never closed");
        }
    }

    private static bool TryTimeProgression(string diagram, int index, out TimeSpan duration, out int length)
    {
        duration = TimeSpan.Zero;
        length = 0;
        if (!char.IsAsciiDigit(diagram[index]) || (index > 0 && diagram[index - 1] != ' '))
        {
            return false;
        }

        var match = TimeProgression().Match(diagram, index);
        if (!match.Success)
        {
            return false;
        }

        var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        duration = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            _ => TimeSpan.FromMinutes(amount),
        };
        length = match.Length;
        return true;
    }
}
