using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;

namespace Spotify.Rx.Client;

/// <summary>
/// The last things the rules did (fallback, prefetch, stutter, pause ...), for the live view and
/// the log, and as an observable so tests can wait for a rule to fire in the running system.
/// </summary>
public sealed class RuleEvents
{
    private const int Kept = 8;
    private readonly object _gate = new();
    private readonly LinkedList<string> _recent = new();
    private readonly Subject<RuleEvent> _events = new();
    private readonly IScheduler _clock;
    private readonly ILogger _log;

    public RuleEvents(IScheduler clock, ILogger log)
    {
        _clock = clock;
        _log = log;
    }

    /// <summary>
    /// Every event, delivered off the thread that raised it: rules fire inside the playback
    /// pipeline, and a watcher must never run (or block) inside it.
    /// </summary>
    public IObservable<RuleEvent> All => _events.ObserveOn(TaskPoolScheduler.Default);

    public IReadOnlyList<string> Recent { get { lock (_gate) return _recent.ToArray(); } }

    /// <summary>
    /// Records a rule firing; <paramref name="data"/> is the rule's own decision when there is one
    /// (e.g. a <c>PrefetchStep</c> with the time left it was decided on), for watchers that check
    /// what the rule saw rather than when its effect was noticed.
    /// </summary>
    public void Add(string kind, string detail, object? data = null)
    {
        var e = new RuleEvent(_clock.Now, kind, detail, data);
        lock (_gate)
        {
            _recent.AddLast($"{e.At:HH:mm:ss.f} {kind}: {detail}");
            while (_recent.Count > Kept) _recent.RemoveFirst();
        }
        lock (_events) _events.OnNext(e);
        _log.LogInformation("{Kind}: {Detail}", kind, detail);
    }
}

/// <summary>
/// One rule firing: <see cref="Kind"/> is a short word (fallback, prefetch, stutter, pause, resume ...);
/// <see cref="Data"/> the decision that fired, where the rule has one.
/// </summary>
public sealed record RuleEvent(DateTimeOffset At, string Kind, string Detail, object? Data = null);
