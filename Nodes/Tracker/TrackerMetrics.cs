using Prometheus;

namespace Spotify.Rx.Tracker;

/// <summary>What /metrics shows about the tracker's own work. One registry per app, so two trackers in one process stay apart.</summary>
public sealed class TrackerMetrics
{
    public TrackerMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var factory = Metrics.WithCustomRegistry(registry);
        Registrations = factory.CreateCounter("tracker_registrations_total", "Registrations and renewals accepted.");
        Removals = factory.CreateCounter("tracker_removals_total", "Registrations removed by their peer.");
        Lookups = factory.CreateCounter("tracker_lookups_total", "Lookups answered.");
        PeersReturned = factory.CreateCounter("tracker_peers_returned_total", "Peers handed out by lookups.");
        Refusals = factory.CreateCounter("tracker_refusals_total", "Requests refused, by HTTP status.", "status");
    }

    public CollectorRegistry Registry { get; }
    public Counter Registrations { get; }
    public Counter Removals { get; }
    public Counter Lookups { get; }
    public Counter PeersReturned { get; }
    public Counter Refusals { get; }
}
