using System.Reactive;
using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;

namespace Spotify.Rx.Marbles;

/// <summary>
/// A <see cref="TestScheduler"/> that reads marble diagrams (tests/Marbles/README.md). One frame is a fixed
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

    /// <summary>Virtual time since time 0 of the test.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(TestTime(Clock));

    // TestScheduler moves work due "now or earlier" one tick later. Time 0 of the test sits two
    // ticks after the scheduler's own zero, so that work set up before the run is due in the
    // future and keeps its exact time; the test's own subscribe and unsubscribe run one tick
    // before their frame, so that, as in RxJS, they come before the events of that frame.
    internal const long Origin = 2;

    // Work scheduled "now" while the run is under way still lands a tick late; rounding recorded
    // times to this resolution (0.1 ms) absorbs those nudges, finer than any diagram writes.
    internal const long Resolution = TimeSpan.TicksPerMillisecond / 10;

    /// <summary>A scheduler tick as time since time 0 of the test, rounded to the diagram resolution.</summary>
    internal static long TestTime(long clock) =>
        clock == Subscription.Infinite ? clock : (long)Math.Round((double)(clock - Origin) / Resolution) * Resolution;

    /// <summary>
    /// A hot observable: its events happen whether or not anyone listens; <c>^</c> marks time 0,
    /// and events written before it have passed before the test starts.
    /// </summary>
    public ITestableObservable<T> Hot<T>(string diagram, object? values = null, Exception? error = null) =>
        CreateHotObservable(Messages<T>(diagram, DiagramRole.Hot, values, error)
            .Where(m => m.Time >= 0)
            .Select(m => new Recorded<Notification<T>>(m.Time + Origin, m.Value))
            .ToArray());

    /// <summary>A cold observable: each subscription plays the diagram from its first character.</summary>
    public ITestableObservable<T> Cold<T>(string diagram, object? values = null, Exception? error = null) =>
        CreateColdObservable(Messages<T>(diagram, DiagramRole.Cold, values, error).ToArray());

    /// <summary>A hot observable whose value map is a dictionary, so the value type is inferred.</summary>
    public ITestableObservable<T> Hot<T>(string diagram, IReadOnlyDictionary<char, T> values, Exception? error = null) =>
        Hot<T>(diagram, (object)values, error);

    /// <summary>A cold observable whose value map is a dictionary, so the value type is inferred.</summary>
    public ITestableObservable<T> Cold<T>(string diagram, IReadOnlyDictionary<char, T> values, Exception? error = null) =>
        Cold<T>(diagram, (object)values, error);

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
        var ended = false;

        // As in RxJS, the test's subscription ends when the observable completes or fails.
        void End(Notification<T> last)
        {
            recorded.Add(new Recorded<Notification<T>>(TestTime(Clock), last));
            ended = true;
            running?.Dispose();
        }

        this.ScheduleAbsolute(frames.Subscribe + Origin - 1, () =>
        {
            running = source.Subscribe(
                value => recorded.Add(new Recorded<Notification<T>>(TestTime(Clock), Notification.CreateOnNext(value))),
                error => End(Notification.CreateOnError<T>(error)),
                () => End(Notification.CreateOnCompleted<T>()));
            if (ended)
            {
                running.Dispose();
            }
        });
        if (frames.Unsubscribe != SubscriptionFrames.Never)
        {
            this.ScheduleAbsolute(frames.Unsubscribe + Origin - 1, () => running?.Dispose());
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
