using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Spotify.Rx.Streams;
using Spotify.Rx.Streams.Observables;

namespace Spotify.Rx.Client;

/// <summary>
/// What every part of the engine shares: the client's one loop (<see cref="Loop"/>, which is also
/// its clock), the server, tracker and overlay it talks to, the cache, the events.
/// </summary>
internal sealed record ClientServices(
    IScheduler Loop,
    ITrackServer Server,
    IPeerDirectory Tracker,
    IOverlayLink Overlay,
    ServableTracks Servable,
    RuleEvents Events,
    ILogger Log,
    double Speed)
{
    /// <summary>The sink the plays write their sound to (<see cref="ClientOptions.Sink"/>); silent unless asked.</summary>
    public AudioOutputFactory Audio { get; init; } = AudioOutputFactory.Silent;

    /// <summary>Every peer found for a track or lost for it (on the loop): the input of peer availability.</summary>
    public Subject<PeerChange> PeerChanges { get; } = new();

    /// <summary>Downloads of plays that ended before their track was whole, fetching the rest for the cache.</summary>
    public System.Reactive.Disposables.CompositeDisposable Finishing { get; } = new();

    /// <summary>The peers known to have <paramref name="trackId"/>, one immutable set per change.</summary>
    public IObservable<PeerSet> PeersOf(string trackId) => PeerAvailability.For(trackId, PeerChanges);
}
