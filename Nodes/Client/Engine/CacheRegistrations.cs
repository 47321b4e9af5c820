using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Spotify.Rx.Client.Cache;
using Spotify.Rx.Client.Http;

namespace Spotify.Rx.Client;

/// <summary>
/// Keeps the tracker in step with the cache: a track entering is registered (PUT), one leaving is
/// removed (DELETE), and registrations still held are renewed before the tracker's soft state
/// lets them lapse. A tracker that is down only costs the swarm this client's offer.
/// </summary>
internal sealed class CacheRegistrations : IDisposable
{
    /// <summary>Well inside the tracker's default 60 s registration lifetime.</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(20);

    private readonly IDisposable _subscription;

    public CacheRegistrations(TrackCache cache, TrackerClient tracker, string endpoint, IScheduler scheduler, RuleEvents events, ILogger log)
    {
        var changes = cache.Changes
            .Select(change => Observable.FromAsync(async ct =>
            {
                try
                {
                    if (change.Kind == CacheChangeKind.Added) await tracker.RegisterAsync(change.TrackId, endpoint, ct);
                    else await tracker.RemoveAsync(change.TrackId, ct);
                    events.Add("cache", $"{change.TrackId} {(change.Kind == CacheChangeKind.Added ? "cached, registered" : "left the cache, unregistered")}");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("tracker {Kind} of {Track} failed: {Error}", change.Kind, change.TrackId, e.Message);
                }
            }))
            .Concat();
        var renewals = Observable.Interval(Renewal, scheduler)
            .Select(_ => Observable.FromAsync(async ct =>
            {
                foreach (var trackId in cache.TrackIds)
                {
                    try { await tracker.RegisterAsync(trackId, endpoint, ct); }
                    catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning("tracker renewal of {Track} failed: {Error}", trackId, e.Message); }
                }
            }))
            .Concat();
        // Changes run one at a time, in order: a DELETE never overtakes the PUT it undoes.
        _subscription = Observable.Merge(changes, renewals).Subscribe(_ => { }, e => log.LogError(e, "cache registrations stopped"));
    }

    public void Dispose() => _subscription.Dispose();
}
