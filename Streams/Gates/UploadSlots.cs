using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace Spotify.Rx.Streams.Gates;

/// <summary>How the upload slots are used: slots held and requests waiting for one.</summary>
public readonly record struct UploadSlotsState(int InUse, int Queued);

/// <summary>
/// The limit on uploads (docs/ARCHITECTURE.md "Limits": at most 4 peers uploaded to at once, further
/// requests served first come, first served). A request is an observable: subscribing joins the
/// queue, the lease arrives when a slot is granted, unsubscribing before that leaves the queue.
/// Disposing a lease hands its slot straight to the oldest waiting request.
/// </summary>
public sealed class UploadSlots
{
    /// <summary>Spotify's limit on peers uploaded to at once.</summary>
    public const int SpotifyLimit = 4;

    private readonly object _sync = new();
    private readonly LinkedList<IObserver<IDisposable>> _queue = new();
    private readonly BehaviorSubject<UploadSlotsState> _state = new(new UploadSlotsState(0, 0));
    private int _inUse;

    public UploadSlots(int slots = SpotifyLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);
        Slots = slots;
    }

    public int Slots { get; }

    /// <summary>The state on subscription, then after each change.</summary>
    public IObservable<UploadSlotsState> State => _state.AsObservable();

    public UploadSlotsState Current
    {
        get { lock (_sync) return new UploadSlotsState(_inUse, _queue.Count); }
    }

    /// <summary>
    /// A request for a slot: yields one lease and completes when the slot is granted (at once
    /// when one is free and nobody is waiting). The lease, not the subscription, holds the slot.
    /// </summary>
    public IObservable<IDisposable> Request() => Observable.Create<IDisposable>(observer =>
    {
        lock (_sync)
        {
            // Nobody overtakes the queue: a free slot with waiters already belongs to the oldest waiter.
            if (_inUse < Slots && _queue.Count == 0)
            {
                _inUse++;
                Publish();
                Grant(observer);
                return Disposable.Empty;
            }
            var place = _queue.AddLast(observer);
            Publish();
            return Disposable.Create(() => Leave(place));
        }
    });

    private void Leave(LinkedListNode<IObserver<IDisposable>> place)
    {
        lock (_sync)
        {
            if (place.List is null) return;
            _queue.Remove(place);
            Publish();
        }
    }

    private void Grant(IObserver<IDisposable> observer)
    {
        var released = 0;
        observer.OnNext(Disposable.Create(() =>
        {
            if (Interlocked.Exchange(ref released, 1) == 0) Release();
        }));
        observer.OnCompleted();
    }

    private void Release()
    {
        lock (_sync)
        {
            if (_queue.First is { } next)
            {
                // The slot passes to the oldest waiter without ever being free: nobody can slip in.
                _queue.RemoveFirst();
                Publish();
                Grant(next.Value);
            }
            else
            {
                _inUse--;
                Publish();
            }
        }
    }

    private void Publish() => _state.OnNext(new UploadSlotsState(_inUse, _queue.Count));
}
