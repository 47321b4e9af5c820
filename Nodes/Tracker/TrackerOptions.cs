using Microsoft.Extensions.Options;

namespace Spotify.Rx.Tracker;

public enum TrackerStoreKind { Memory, Redis }

/// <summary>The tracker's settings, bound from the <c>Tracker</c> configuration section.</summary>
public sealed class TrackerOptions
{
    public const string Section = "Tracker";

    /// <summary>The main server's <c>/.well-known/jwks.json</c>: the only way the tracker learns its public key.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>Soft state: a registration not renewed within this time is gone, so a crashed client disappears by itself.</summary>
    public TimeSpan RegistrationLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Spotify's tracker kept the 20 most recent registrations of a track …</summary>
    public int KeepPerTrack { get; set; } = 20;

    /// <summary>… and answered each lookup with 10 of them.</summary>
    public int PeersPerLookup { get; set; } = 10;

    /// <summary>How many live registrations one peer id may hold; see <see cref="Spotify.Rx.Tracker.Store.TrackerLimits.DefaultTracksPerPeer"/>.</summary>
    public int TracksPerPeer { get; set; } = Spotify.Rx.Tracker.Store.TrackerLimits.DefaultTracksPerPeer;

    /// <summary>Memory unless given; Redis when only <see cref="Redis"/> is given.</summary>
    public TrackerStoreKind? Store { get; set; }

    /// <summary>The shared Redis as <c>host:port</c> (any StackExchange.Redis configuration string works).</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis key, so one Redis can hold several swarms (and tests stay apart).</summary>
    public string RedisKeyPrefix { get; set; } = "spotify-rx:tracker:";

    /// <summary>
    /// Addresses of reverse proxies whose <c>X-Forwarded-For</c> names the client a registration comes
    /// from; from anyone else the header is ignored (a client could claim any address with it).
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Seed of the random draw of peers; unset means a fresh seed per start.</summary>
    public int? Seed { get; set; }

    public TrackerStoreKind EffectiveStore =>
        Store ?? (string.IsNullOrWhiteSpace(Redis) ? TrackerStoreKind.Memory : TrackerStoreKind.Redis);
}

/// <summary>Refuses to start with settings that would make a tracker that cannot work.</summary>
public sealed class TrackerOptionsValidator : IValidateOptions<TrackerOptions>
{
    public ValidateOptionsResult Validate(string? name, TrackerOptions o)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(o.JwksUrl, UriKind.Absolute, out var jwks) || (jwks.Scheme != Uri.UriSchemeHttp && jwks.Scheme != Uri.UriSchemeHttps))
            failures.Add($"Tracker:JwksUrl must be the main server's absolute http(s) JWKS address, was '{o.JwksUrl}'.");
        if (o.RegistrationLifetime <= TimeSpan.Zero || o.RegistrationLifetime > TimeSpan.FromDays(1))
            failures.Add($"Tracker:RegistrationLifetime must be positive and at most a day, was {o.RegistrationLifetime}.");
        if (o.KeepPerTrack is < 1 or > 1000)
            failures.Add($"Tracker:KeepPerTrack must be between 1 and 1000, was {o.KeepPerTrack}.");
        if (o.PeersPerLookup < 1 || o.PeersPerLookup > o.KeepPerTrack)
            failures.Add($"Tracker:PeersPerLookup must be between 1 and KeepPerTrack ({o.KeepPerTrack}), was {o.PeersPerLookup}.");
        if (o.TracksPerPeer is < 1 or > 100_000)
            failures.Add($"Tracker:TracksPerPeer must be between 1 and 100000, was {o.TracksPerPeer}.");
        if (o.EffectiveStore == TrackerStoreKind.Redis && string.IsNullOrWhiteSpace(o.Redis))
            failures.Add("Tracker:Store is Redis but Tracker:Redis (host:port) is not set.");
        if (Input.ObservedEndpoint.Unparsable(o.TrustedProxies) is { Count: > 0 } bad)
            failures.Add($"Tracker:TrustedProxies must be IP addresses, these are not: {string.Join(", ", bad)}.");
        if (string.IsNullOrEmpty(o.RedisKeyPrefix))
            failures.Add("Tracker:RedisKeyPrefix must not be empty.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
