using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using Spotify.Rx.Client.Http;
using Spotify.Rx.Wire.Overlay;

namespace Spotify.Rx.Client;

/// <summary>What every part of the engine shares: the clock, the connections, the cache, the events.</summary>
internal sealed record ClientServices(
    IScheduler Scheduler,
    ServerClient Server,
    TrackerClient Tracker,
    PeerNode Overlay,
    ServableTracks Servable,
    RuleEvents Events,
    ILogger Log,
    double Speed)
{
    /// <summary>The sink the plays write their sound to (<see cref="ClientOptions.Sink"/>); silent unless asked.</summary>
    public AudioOutputFactory Audio { get; init; } = AudioOutputFactory.Silent;
}
