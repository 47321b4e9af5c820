using System.Text;
using Microsoft.Reactive.Testing;

namespace Spotify.Rx.Marbles;

/// <summary>The subscriptions a test observable should see; checked by <see cref="MarbleScheduler.Flush"/>.</summary>
public sealed class SubscriptionExpectation
{
    private readonly MarbleScheduler _scheduler;
    private readonly IList<Subscription> _actual;

    internal SubscriptionExpectation(MarbleScheduler scheduler, IList<Subscription> actual)
    {
        _scheduler = scheduler;
        _actual = actual;
    }

    /// <summary>One subscription diagram per expected subscription, in order (none: never subscribed).</summary>
    public void ToBe(params string[] diagrams)
    {
        var frame = _scheduler.FrameTicks;
        var expected = diagrams
            .Select(d => MarbleParser.ParseSubscription(d, frame))
            .Select(f => new Subscription(f.Subscribe, f.Unsubscribe == SubscriptionFrames.Never ? Subscription.Infinite : f.Unsubscribe))
            .ToList();
        _scheduler.AddCheck(() =>
        {
            var actual = _actual
                .Select(a => new Subscription(MarbleScheduler.TestTime(a.Subscribe), MarbleScheduler.TestTime(a.Unsubscribe)))
                .ToList();
            if (expected.SequenceEqual(actual))
            {
                return null;
            }

            var message = new StringBuilder()
                .AppendLine($"The subscriptions differ (1 frame = {_scheduler.Frame}).");
            for (var i = 0; i < Math.Max(expected.Count, actual.Count); i++)
            {
                message
                    .AppendLine($"  expected: {(i < expected.Count ? MarbleRenderer.RenderSubscription(expected[i], frame) : "(none)")}")
                    .AppendLine($"  actual:   {(i < actual.Count ? MarbleRenderer.RenderSubscription(actual[i], frame) : "(none)")}");
            }

            foreach (var s in actual)
            {
                message.AppendLine($"  actual subscription: from {MarbleRenderer.Time(s.Subscribe, frame)} to {MarbleRenderer.Time(s.Unsubscribe, frame)}");
            }

            return message.ToString().TrimEnd();
        });
    }
}
