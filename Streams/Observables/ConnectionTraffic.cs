using System.Reactive.Linq;

namespace Spotify.Rx.Streams.Observables;

/// <summary>Bytes passing over one peer connection, the input of the idle-disconnect rule.</summary>
public static class ConnectionTraffic
{
    /// <summary>
    /// The byte counts sent and received, as one stream; a count of zero is no traffic and is
    /// dropped, so that only a real byte keeps a connection alive (rule 6).
    /// </summary>
    public static IObservable<long> Both(IObservable<long> sent, IObservable<long> received)
    {
        ArgumentNullException.ThrowIfNull(sent);
        ArgumentNullException.ThrowIfNull(received);
        return sent.Merge(received).Where(bytes => bytes > 0);
    }
}
