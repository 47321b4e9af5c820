using System.Reactive;
using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;

namespace Spotify.Rx.Marbles;

/// <summary>
/// A <see cref="TestScheduler"/> that reads marble diagrams (MARBLES.md). One frame is a fixed
/// span of virtual time chosen per test. Build inputs with <see cref="Hot{T}"/> and
/// <see cref="Cold{T}"/>, state expectations with <see cref="ExpectObservable{T}"/> and
/// <see cref="ExpectSubscriptions"/>, then call <see cref="Flush"/>: it runs virtual time to the
/// end and checks every expectation at once.
/// </summary>
public sealed class MarbleScheduler : TestScheduler
{
    private readonly List<Func<string?>> _checks = [];

    public MarbleScheduler(TimeSpan frame)
    {
        if (frame <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(frame), frame, "A frame must last some time.");
        }

        Frame = frame;
    }

    /// <summary>The virtual time one <c>-</c> stands for.</summary>
    public TimeSpan Frame { get; }

    internal long FrameTicks => Frame.Ticks;

    /// <summary>
    /// A hot observable: its events happen whether or not anyone listens; <c>^</c> marks time 0,
    /// and events written before it have passed before the test starts.
    /// </summary>
    public ITestableObservable<T> Hot<T>(string diagram, object? values = null, Exception? error = null) =>
        CreateHotObservable(Messages<T>(diagram, DiagramRole.Hot, values, error).Where(m => m.Time >= 0).ToArray());

    /// <summary>A cold observable: each subscription plays the diagram from its first character.</summary>
    public ITestableObservable<T> Cold<T>(string diagram, object? values = null, Exception? error = null) =>
        CreateColdObservable(Messages<T>(diagram, DiagramRole.Cold, values, error).ToArray());

    /// <summary>
    /// Subscribes to <paramref name="source"/> at time 0 (or at the <c>^</c> of
    /// <paramref name="subscription"/>, unsubscribing at its <c>!</c>) and records what it emits.
    /// </summary>
    public ObservableExpectation<T> ExpectObservable<T>(IObservable<T> source, string? subscription = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var frames = subscription is null
            ? new SubscriptionFrames(0, SubscriptionFrames.Never)
            : MarbleParser.ParseSubscription(subscription, FrameTicks);
        var recorded = new List<Recorded<Notification<T>>>();
        IDisposable? running = null;
        this.ScheduleAbsolute(frames.Subscribe, () =>
        {
            running = source.Subscribe(
                value => recorded.Add(new Recorded<Notification<T>>(Clock, Notification.CreateOnNext(value))),
                error => recorded.Add(new Recorded<Notification<T>>(Clock, Notification.CreateOnError<T>(error))),
                () => recorded.Add(new Recorded<Notification<T>>(Clock, Notification.CreateOnCompleted<T>())));
        });
        if (frames.Unsubscribe != SubscriptionFrames.Never)
        {
            this.ScheduleAbsolute(frames.Unsubscribe, () => running?.Dispose());
        }

        return new ObservableExpectation<T>(this, recorded);
    }

    /// <summary>Expects the subscriptions a test observable received, e.g. <c>hot.Subscriptions</c>.</summary>
    public SubscriptionExpectation ExpectSubscriptions(IList<Subscription> subscriptions)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        return new SubscriptionExpectation(this, subscriptions);
    }

    /// <summary>
    /// Runs virtual time until nothing is left to do, then checks every expectation; throws a
    /// <see cref="MarbleAssertionException"/> listing each one that failed.
    /// </summary>
    public void Flush()
    {
        Start();
        var failures = _checks.Select(check => check()).OfType<string>().ToList();
        _checks.Clear();
        if (failures.Count > 0)
        {
            throw new MarbleAssertionException(string.Join("\n\n", failures));
        }
    }

    internal void AddCheck(Func<string?> check) => _checks.Add(check);

    internal IEnumerable<Recorded<Notification<T>>> Messages<T>(string diagram, DiagramRole role, object? values, Exception? error)
    {
        var map = MarbleValues<T>.From(values);
        var failure = error ?? new MarbleError();
        return MarbleParser.Parse(diagram, FrameTicks, role).Events
            .Select(e => new Recorded<Notification<T>>(e.Ticks, e.Kind switch
            {
                MarbleKind.Next => Notification.CreateOnNext(map.Lookup(e.Symbol, diagram, e.Column)),
                MarbleKind.Error => Notification.CreateOnError<T>(failure),
                _ => Notification.CreateOnCompleted<T>(),
            }))
            .ToList();
    }
}

/// <summary>The error a <c>#</c> stands for when the test gives none.</summary>
public sealed class MarbleError() : Exception("error");
