using System.Globalization;
using System.Text.RegularExpressions;

namespace Spotify.Rx.Marbles;

/// <summary>What a diagram describes, which decides the tokens it may hold.</summary>
public enum DiagramRole
{
    /// <summary>A cold observable: time 0 is the first character.</summary>
    Cold,

    /// <summary>A hot observable: time 0 is its <c>^</c> (or the first character without one).</summary>
    Hot,

    /// <summary>The expected output of an observable under test: time 0 is the first character.</summary>
    Expected,
}

/// <summary>
/// Reads marble diagrams (MARBLES.md, RxJS run-mode syntax) into events on a tick clock.
/// Time is counted in ticks, not frames, so that time progressions (<c>500ms</c>) need not be a
/// whole number of frames.
/// </summary>
public static partial class MarbleParser
{
    // A time progression must stand alone: preceded by a space or the start of the diagram,
    // followed by a space or its end (RxJS asks for the space after; the end is allowed too).
    [GeneratedRegex(@"\G(\d+(?:\.\d+)?)(ms|s|m)(?= |$)", RegexOptions.CultureInvariant)]
    private static partial Regex TimeProgression();

    public static ParsedDiagram Parse(string diagram, long frameTicks, DiagramRole role)
    {
        ArgumentNullException.ThrowIfNull(diagram);
        if (frameTicks <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frameTicks), frameTicks, "A frame must last some time.");
        }

        var events = new List<MarbleEvent>();
        long time = 0;
        long? groupStart = null;
        var groupColumn = 0;
        var groupSize = 0;
        long? subscribedAt = null;
        var subscriptionColumn = 0;
        var endColumn = 0;

        for (var i = 0; i < diagram.Length; i++)
        {
            var c = diagram[i];
            var column = i + 1;

            if (TryTimeProgression(diagram, ref i, out var progression))
            {
                if (groupStart is not null)
                {
                    throw new MarbleDiagramException(diagram, column, "a time progression cannot stand inside a group");
                }

                time += progression.Ticks;
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

                    if (groupSize == 0)
                    {
                        throw new MarbleDiagramException(diagram, column, "an empty group says nothing");
                    }

                    groupStart = null;
                    time += frameTicks;
                    continue;
                case '^':
                    if (role != DiagramRole.Hot)
                    {
                        throw new MarbleDiagramException(diagram, column, $"'^' marks the subscription point of a hot observable, not of a {role.ToString().ToLowerInvariant()} diagram");
                    }

                    if (subscribedAt is not null)
                    {
                        throw new MarbleDiagramException(diagram, column, $"a second '^' (the first is at column {subscriptionColumn})");
                    }

                    if (groupStart is not null)
                    {
                        throw new MarbleDiagramException(diagram, column, "'^' cannot stand inside a group");
                    }

                    subscribedAt = time;
                    subscriptionColumn = column;
                    time += frameTicks;
                    continue;
            }

            var kind = c switch
            {
                '|' => MarbleKind.Completed,
                '#' => MarbleKind.Error,
                >= 'a' and <= 'z' or >= '0' and <= '9' => MarbleKind.Next,
                '!' => throw new MarbleDiagramException(diagram, column, "'!' belongs in a subscription diagram only"),
                _ => throw new MarbleDiagramException(diagram, column, $"unknown token '{c}'"),
            };

            if (endColumn != 0)
            {
                throw new MarbleDiagramException(diagram, column, $"'{c}' comes after the sequence ended at column {endColumn}");
            }

            events.Add(new MarbleEvent(groupStart ?? time, kind, c, column));
            if (kind != MarbleKind.Next)
            {
                endColumn = column;
            }

            groupSize++;
            time += frameTicks;
        }

        if (groupStart is not null)
        {
            throw new MarbleDiagramException(diagram, groupColumn, "unbalanced parentheses: '(' is never closed");
        }

        var origin = subscribedAt ?? 0;
        return new ParsedDiagram(events.Select(e => e with { Ticks = e.Ticks - origin }).ToList());
    }

    /// <summary>
    /// Reads a subscription diagram: <c>^</c> where the subscription starts, <c>!</c> where it
    /// ends, <c>-</c> and time progressions for the time between, <c>(^!)</c> for both in one frame.
    /// </summary>
    public static SubscriptionFrames ParseSubscription(string diagram, long frameTicks)
    {
        ArgumentNullException.ThrowIfNull(diagram);
        long time = 0;
        long? groupStart = null;
        var groupColumn = 0;
        long? subscribe = null;
        var subscribeColumn = 0;
        long? unsubscribe = null;

        for (var i = 0; i < diagram.Length; i++)
        {
            var c = diagram[i];
            var column = i + 1;
            if (TryTimeProgression(diagram, ref i, out var progression))
            {
                if (groupStart is not null)
                {
                    throw new MarbleDiagramException(diagram, column, "a time progression cannot stand inside a group");
                }

                time += progression.Ticks;
                continue;
            }

            switch (c)
            {
                case ' ':
                    break;
                case '-':
                    time += frameTicks;
                    break;
                case '(':
                    if (groupStart is not null)
                    {
                        throw new MarbleDiagramException(diagram, column, $"a group cannot open inside the group opened at column {groupColumn}");
                    }

                    groupStart = time;
                    groupColumn = column;
                    time += frameTicks;
                    break;
                case ')':
                    if (groupStart is null)
                    {
                        throw new MarbleDiagramException(diagram, column, "unbalanced parentheses: ')' closes no group");
                    }

                    groupStart = null;
                    time += frameTicks;
                    break;
                case '^':
                    if (subscribe is not null)
                    {
                        throw new MarbleDiagramException(diagram, column, $"a second '^' (the first is at column {subscribeColumn})");
                    }

                    subscribe = groupStart ?? time;
                    subscribeColumn = column;
                    time += frameTicks;
                    break;
                case '!':
                    if (subscribe is null)
                    {
                        throw new MarbleDiagramException(diagram, column, "'!' before any '^': nothing is subscribed yet");
                    }

                    if (unsubscribe is not null)
                    {
                        throw new MarbleDiagramException(diagram, column, "a second '!'");
                    }

                    unsubscribe = groupStart ?? time;
                    time += frameTicks;
                    break;
                default:
                    throw new MarbleDiagramException(diagram, column, $"unknown token '{c}' in a subscription diagram");
            }
        }

        if (groupStart is not null)
        {
            throw new MarbleDiagramException(diagram, groupColumn, "unbalanced parentheses: '(' is never closed");
        }

        if (subscribe is null)
        {
            throw new MarbleDiagramException(diagram, Math.Max(1, diagram.Length), "a subscription diagram needs a '^'");
        }

        return new SubscriptionFrames(subscribe.Value, unsubscribe ?? SubscriptionFrames.Never);
    }

    private static bool TryTimeProgression(string diagram, ref int index, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
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
        index += match.Length - 1;
        return true;
    }
}
