using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace Spotify.Rx.Streams.Gates;

/// <summary>
/// The hard limit on peer connections (docs/ARCHITECTURE.md "Limits": at most 60 at once, both directions).
/// Every connection, inbound or outbound, holds a lease from the one gate of its node, so the
/// 61st is refused whichever side starts it.
/// </summary>
public sealed class ConnectionGate
{
    /// <summary>Spotify's limit on peer connections per client.</summary>
    public const int SpotifyLimit = 60;

    private readonly object _sync = new();
    private readonly BehaviorSubject<int> _open = new(0);
    private int _count;

    public ConnectionGate(int limit = SpotifyLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Limit = limit;
    }

    public int Limit { get; }

    /// <summary>Connections open now.</summary>
    public int Open
    {
        get { lock (_sync) return _count; }
    }

    /// <summary>True while every slot is taken: a new connection, either way, would be refused now.</summary>
    public bool IsFull
    {
        get { lock (_sync) return _count >= Limit; }
    }

    /// <summary>The number of open connections: the current value on subscription, then each change.</summary>
    public IObservable<int> OpenCount => _open.AsObservable();

    /// <summary>
    /// A lease for one more connection, to be disposed when it closes; or null, with the
    /// reason in <paramref name="refusal"/>, when the limit is reached.
    /// </summary>
    public IDisposable? TryOpen(out string? refusal)
    {
        lock (_sync)
        {
            if (_count >= Limit)
            {
                refusal = $"connection limit reached ({Limit} open)";
                return null;
            }
            _count++;
            // Published under the lock so observers see the counts in the order they happened.
            _open.OnNext(_count);
        }
        refusal = null;
        return Disposable.Create(Close);
    }

    private void Close()
    {
        lock (_sync)
        {
            _count--;
            _open.OnNext(_count);
        }
    }
}
