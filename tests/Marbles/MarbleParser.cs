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
/// Reads marble diagrams (tests/Marbles/README.md, RxJS run-mode syntax) into events on a tick clock.
/// Time is counted in ticks, not frames, so that time progressions (<c>500ms</c>) need not be a
/// whole number of frames. Time and groups are read by <see cref="MarbleTokenizer"/> for both kinds
/// of diagram; this class says which symbols each kind may hold and what they mean.
/// </summary>
public static class MarbleParser
{
    public static ParsedDiagram Parse(string diagram, long frameTicks, DiagramRole role)
    {
        ArgumentNullException.ThrowIfNull(diagram);
        if (frameTicks <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frameTicks), frameTicks, "A frame must last some time.");
        }

        var events = new List<MarbleEvent>();
        long? subscribedAt = null;
        var subscriptionColumn = 0;
        var endColumn = 0;

        foreach (var token in MarbleTokenizer.Tokenize(diagram, frameTicks, emptyGroupsAllowed: false))
        {
            var (c, column) = (token.Symbol, token.Column);
            if (c == '^')
            {
                if (role != DiagramRole.Hot)
                {
                    throw new MarbleDiagramException(diagram, column, $"'^' marks the subscription point of a hot observable, not of a {role.ToString().ToLowerInvariant()} diagram");
                }

                if (subscribedAt is not null)
                {
                    throw new MarbleDiagramException(diagram, column, $"a second '^' (the first is at column {subscriptionColumn})");
                }

                if (token.GroupColumn is not null)
                {
                    throw new MarbleDiagramException(diagram, column, "'^' cannot stand inside a group");
                }

                subscribedAt = token.Ticks;
                subscriptionColumn = column;
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

            events.Add(new MarbleEvent(token.Ticks, kind, c, column));
            if (kind != MarbleKind.Next)
            {
                endColumn = column;
            }
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
        long? subscribe = null;
        var subscribeColumn = 0;
        long? unsubscribe = null;

        foreach (var token in MarbleTokenizer.Tokenize(diagram, frameTicks, emptyGroupsAllowed: true))
        {
            switch (token.Symbol)
            {
                case '^':
                    if (subscribe is not null)
                    {
                        throw new MarbleDiagramException(diagram, token.Column, $"a second '^' (the first is at column {subscribeColumn})");
                    }

                    subscribe = token.Ticks;
                    subscribeColumn = token.Column;
                    break;
                case '!':
                    if (subscribe is null)
                    {
                        throw new MarbleDiagramException(diagram, token.Column, "'!' before any '^': nothing is subscribed yet");
                    }

                    if (unsubscribe is not null)
                    {
                        throw new MarbleDiagramException(diagram, token.Column, "a second '!'");
                    }

                    unsubscribe = token.Ticks;
                    break;
                default:
                    throw new MarbleDiagramException(diagram, token.Column, $"unknown token '{token.Symbol}' in a subscription diagram");
            }
        }

        if (subscribe is null)
        {
            throw new MarbleDiagramException(diagram, Math.Max(1, diagram.Length), "a subscription diagram needs a '^'");
        }

        return new SubscriptionFrames(subscribe.Value, unsubscribe ?? SubscriptionFrames.Never);
    }
}
