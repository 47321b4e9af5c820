using System.Collections.Immutable;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace Spotify.Rx.Streams.Gates;

/// <summary>
/// The limit on download sources (docs/ARCHITECTURE.md rule 2: a track is downloaded from at most 5 peers
/// at once). A peer is a source while any lease for it is held; more leases for a peer that is
/// already a source are always granted, a sixth distinct peer is refused.
/// </summary>
public sealed class DownloadSources
{
    /// <summary>Spotify's limit on peers downloaded from at once.</summary>
    public const int SpotifyLimit = 5;

    private readonly object _sync = new();
    private readonly Dictionary<string, int> _leases = new(StringComparer.Ordinal);
    private readonly BehaviorSubject<ImmutableSortedSet<string>> _active = new(ImmutableSortedSet<string>.Empty);

    public DownloadSources(int limit = SpotifyLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Limit = limit;
    }

    public int Limit { get; }

    /// <summary>The peers downloaded from now: the current set on subscription, then each change.</summary>
    public IObservable<ImmutableSortedSet<string>> Active => _active.AsObservable();

    /// <summary>
    /// A lease on <paramref name="peerId"/> as a download source, to be disposed when nothing is
    /// outstanding from it; or null, with the reason in <paramref name="refusal"/>.
    /// </summary>
    public IDisposable? TryAcquire(string peerId, out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(peerId);
        lock (_sync)
        {
            if (_leases.TryGetValue(peerId, out var held))
            {
                _leases[peerId] = held + 1;
            }
            else if (_leases.Count >= Limit)
            {
                refusal = $"download source limit reached ({Limit} peers)";
                return null;
            }
            else
            {
                _leases[peerId] = 1;
                _active.OnNext(_active.Value.Add(peerId));
            }
        }
        refusal = null;
        var released = 0;
        return Disposable.Create(() =>
        {
            if (Interlocked.Exchange(ref released, 1) == 0) Release(peerId);
        });
    }

    private void Release(string peerId)
    {
        lock (_sync)
        {
            var held = _leases[peerId] - 1;
            if (held > 0)
            {
                _leases[peerId] = held;
                return;
            }
            _leases.Remove(peerId);
            _active.OnNext(_active.Value.Remove(peerId));
        }
    }
}
