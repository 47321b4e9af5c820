using System.Collections.Immutable;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;

namespace Spotify.Rx.Client;

/// <summary>
/// The last things the rules did (fallback, prefetch, stutter, pause ...), for the live view and
/// the log, and as an observable so tests and views can match the rule that fired by its type.
/// </summary>
public sealed class RuleEvents
{
    private const int Kept = 8;
    private readonly Subject<RuleEvent> _events = new();
    private readonly IScheduler _loop;
    private readonly ILogger _log;
    private ImmutableQueue<string> _recent = ImmutableQueue<string>.Empty;

    public RuleEvents(IScheduler loop, ILogger log)
    {
        _loop = loop;
        _log = log;
    }

    /// <summary>
    /// Every event, delivered off the client's loop: a watcher must never run (or block) inside it.
    /// </summary>
    public IObservable<RuleEvent> All => _events.ObserveOn(TaskPoolScheduler.Default);

    /// <summary>Every event on the client's loop, in order: for the engine's own tests on virtual time.</summary>
    internal IObservable<RuleEvent> OnLoop => _events.AsObservable();

    public IReadOnlyList<string> Recent => Volatile.Read(ref _recent).ToArray();

    /// <summary>Records a rule firing. Safe from any thread: the event is published on the loop, in order.</summary>
    public void Add(RuleEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        ImmutableInterlocked.Update(ref _recent, q =>
        {
            q = q.Enqueue($"{e.At:HH:mm:ss.f} {e.Text}");
            while (q.Count() > Kept) q = q.Dequeue();
            return q;
        });
        _log.LogInformation("{Kind}: {Detail}", e.Kind, e.Detail);
        _loop.Schedule(() => _events.OnNext(e));
    }

    /// <summary>A happening outside the rules (the cache, the sound), by kind and text.</summary>
    public void Add(string kind, string detail) => Add(new Notice(_loop.Now, kind, detail));

    internal DateTimeOffset Now => _loop.Now;
}
