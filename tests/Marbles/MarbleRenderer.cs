using System.Globalization;
using System.Reactive;
using System.Text;
using Microsoft.Reactive.Testing;

namespace Spotify.Rx.Marbles;

/// <summary>
/// Writes events back as a diagram, so a failure shows expected and actual in the same
/// notation, one above the other. Both sides are rendered by this one function, so they
/// line up column for column wherever they agree.
/// </summary>
internal static class MarbleRenderer
{
    // Longer silences print as a time progression: a wall of dashes hides the events.
    private const int MaxDashes = 40;

    public static string Render(IEnumerable<(long Ticks, string Symbol)> events, long frameTicks)
    {
        var text = new StringBuilder();
        long cursor = 0;
        foreach (var group in events.GroupBy(e => e.Ticks).OrderBy(g => g.Key))
        {
            AdvanceTo(text, ref cursor, group.Key, frameTicks);
            var symbols = group.Select(e => e.Symbol).ToList();
            var written = symbols.Count == 1 ? symbols[0] : "(" + string.Concat(symbols) + ")";
            text.Append(written);
            cursor += frameTicks * (symbols.Count == 1 ? 1 : symbols.Count + 2);
        }

        return text.ToString();
    }

    public static string RenderSubscription(Subscription subscription, long frameTicks)
    {
        var text = new StringBuilder();
        long cursor = 0;
        AdvanceTo(text, ref cursor, subscription.Subscribe, frameTicks);
        if (subscription.Unsubscribe == subscription.Subscribe)
        {
            return text.Append("(^!)").ToString();
        }

        text.Append('^');
        cursor += frameTicks;
        if (subscription.Unsubscribe != Subscription.Infinite)
        {
            AdvanceTo(text, ref cursor, subscription.Unsubscribe, frameTicks);
            text.Append('!');
        }

        return text.ToString();
    }

    public static string Symbol<T>(Notification<T> notification, MarbleValues<T> values) => notification.Kind switch
    {
        NotificationKind.OnNext => values.LetterOf(notification.Value)?.ToString() ?? "?",
        NotificationKind.OnError => "#",
        _ => "|",
    };

    public static string Describe<T>(long ticks, Notification<T> notification, MarbleValues<T> values, long frameTicks)
    {
        var at = Time(ticks, frameTicks);
        return notification.Kind switch
        {
            NotificationKind.OnNext => $"{at}: {values.LetterOf(notification.Value)?.ToString() ?? "?"} = {notification.Value}",
            NotificationKind.OnError => $"{at}: # {notification.Exception!.GetType().Name}: {notification.Exception.Message}",
            _ => $"{at}: | completed",
        };
    }

    public static string Time(long ticks, long frameTicks)
    {
        if (ticks == Subscription.Infinite)
        {
            return "never";
        }

        var frames = (double)ticks / frameTicks;
        return $"frame {frames.ToString("0.###", CultureInfo.InvariantCulture)} ({TimeSpan.FromTicks(ticks).TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms)";
    }

    private static string Progression(long ticks)
    {
        var (amount, unit) = ticks % TimeSpan.TicksPerMinute == 0 ? (ticks / TimeSpan.TicksPerMinute, "m")
            : ticks % TimeSpan.TicksPerSecond == 0 ? (ticks / TimeSpan.TicksPerSecond, "s")
            : (0L, "ms");
        return unit == "ms"
            ? TimeSpan.FromTicks(ticks).TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms"
            : amount.ToString(CultureInfo.InvariantCulture) + unit;
    }

    private static void AdvanceTo(StringBuilder text, ref long cursor, long target, long frameTicks)
    {
        var gap = target - cursor;
        if (gap <= 0)
        {
            return;
        }

        if (gap % frameTicks == 0 && gap / frameTicks <= MaxDashes)
        {
            text.Append('-', (int)(gap / frameTicks));
        }
        else
        {
            text.Append(text.Length == 0 || text[^1] == ' ' ? "" : " ").Append(Progression(gap)).Append(' ');
        }

        cursor = target;
    }
}
