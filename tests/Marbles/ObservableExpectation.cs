using System.Reactive;
using System.Text;
using Microsoft.Reactive.Testing;

namespace Spotify.Rx.Marbles;

/// <summary>What an observable under test should emit; checked by <see cref="MarbleScheduler.Flush"/>.</summary>
public sealed class ObservableExpectation<T>
{
    private readonly MarbleScheduler _scheduler;
    private readonly IReadOnlyList<Recorded<Notification<T>>> _actual;

    internal ObservableExpectation(MarbleScheduler scheduler, IReadOnlyList<Recorded<Notification<T>>> actual)
    {
        _scheduler = scheduler;
        _actual = actual;
    }

    /// <summary>
    /// The expected diagram, its value map and, for <c>#</c>, the expected error (compared by
    /// type and message; without one, any error matches).
    /// </summary>
    public void ToBe(string diagram, object? values = null, Exception? error = null)
    {
        var map = MarbleValues<T>.From(values);
        var expected = _scheduler.Messages<T>(diagram, DiagramRole.Expected, values, error).ToList();
        _scheduler.AddCheck(() => Compare(diagram, expected, map, error is not null));
    }

    private string? Compare(string diagram, List<Recorded<Notification<T>>> expected, MarbleValues<T> map, bool errorGiven)
    {
        var frame = _scheduler.FrameTicks;
        var firstDifference = Enumerable.Range(0, Math.Max(expected.Count, _actual.Count))
            .FirstOrDefault(i => i >= expected.Count || i >= _actual.Count || !Same(expected[i], _actual[i], errorGiven), -1);
        if (firstDifference < 0)
        {
            return null;
        }

        string Diagram(IEnumerable<Recorded<Notification<T>>> events) =>
            MarbleRenderer.Render(events.Select(e => (e.Time, MarbleRenderer.Symbol(e.Value, map))), frame);

        var message = new StringBuilder()
            .AppendLine($"The observable did not emit the expected diagram (1 frame = {_scheduler.Frame}).")
            .AppendLine($"  expected: {Diagram(expected)}")
            .AppendLine($"  actual:   {Diagram(_actual)}")
            .AppendLine($"  (as written: \"{diagram}\"; '?' is a value the map has no letter for)")
            .AppendLine($"  first difference: event {firstDifference + 1}")
            .AppendLine("  expected events:");
        foreach (var e in expected)
        {
            message.AppendLine("    " + MarbleRenderer.Describe(e.Time, e.Value, map, frame));
        }

        message.AppendLine("  actual events:");
        foreach (var e in _actual)
        {
            message.AppendLine("    " + MarbleRenderer.Describe(e.Time, e.Value, map, frame));
        }

        return message.ToString().TrimEnd();
    }

    private static bool Same(Recorded<Notification<T>> expected, Recorded<Notification<T>> actual, bool errorGiven)
    {
        if (expected.Time != actual.Time || expected.Value.Kind != actual.Value.Kind)
        {
            return false;
        }

        return expected.Value.Kind switch
        {
            NotificationKind.OnNext => EqualityComparer<T>.Default.Equals(expected.Value.Value, actual.Value.Value),
            NotificationKind.OnError => !errorGiven
                || (expected.Value.Exception!.GetType() == actual.Value.Exception!.GetType()
                    && expected.Value.Exception.Message == actual.Value.Exception.Message),
            _ => true,
        };
    }
}
