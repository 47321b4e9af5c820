namespace Spotify.Rx.Marbles;

/// <summary>What a marble stands for.</summary>
public enum MarbleKind
{
    Next,
    Completed,
    Error,
}

/// <summary>
/// One event read from a diagram: when it happens (scheduler ticks, relative to time 0 of the
/// test), what it is, its symbol and the column it was written in.
/// </summary>
public readonly record struct MarbleEvent(long Ticks, MarbleKind Kind, char Symbol, int Column);

/// <summary>The events of an observable diagram, in diagram order.</summary>
public sealed record ParsedDiagram(IReadOnlyList<MarbleEvent> Events);

/// <summary>
/// A subscription diagram: subscribed at <see cref="Subscribe"/>, unsubscribed at
/// <see cref="Unsubscribe"/> (<see cref="Never"/> when the diagram has no <c>!</c>).
/// </summary>
public readonly record struct SubscriptionFrames(long Subscribe, long Unsubscribe)
{
    public const long Never = long.MaxValue;
}
