using System.Net;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Spotify.Rx.Wire.Overlay;

namespace Spotify.Rx.Client;

/// <summary>
/// Finds peers that have a track, both ways at once (rule 1): the tracker (up to 10 peers) and a
/// SEARCH through the overlay neighbours (two hops). Each peer found is connected and handed to
/// the download. The tracker is asked again now and then while the track is incomplete, so a
/// peer that cached it meanwhile is found; a tracker that is down leaves the neighbours.
/// </summary>
internal static class PeerDiscovery
{
    private static readonly TimeSpan TrackerAgain = TimeSpan.FromSeconds(5);

    public static IDisposable Start(TrackDownload download, ClientServices s, bool askTracker = true, bool searchNeighbours = true)
    {
        var ct = download.Stopping;
        var fromOverlay = searchNeighbours
            ? s.Overlay.Search(download.TrackId).Subscribe(have => _ = ConnectAsync(download, s, have.PeerId, have.Endpoint, $"search ({have.Hops} hop{(have.Hops == 1 ? "" : "s")})"))
            : System.Reactive.Disposables.Disposable.Empty;
        var fromTracker = askTracker
            ? Observable.Timer(TimeSpan.Zero, TrackerAgain, s.Scheduler)
                .TakeWhile(_ => !download.IsComplete && !ct.IsCancellationRequested)
                .Select(tick => Observable.FromAsync(async token =>
                {
                    try
                    {
                        var list = await s.Tracker.PeersAsync(download.TrackId, token);
                        foreach (var peer in list.Peers)
                            if (IPEndPoint.TryParse(peer.Endpoint, out var endpoint))
                                _ = ConnectAsync(download, s, peer.PeerId, endpoint, "tracker");
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        s.Log.LogWarning("tracker lookup of {Track} failed: {Error}", download.TrackId, e.Message);
                    }
                }))
                .Concat()
                .Subscribe(_ => { }, e => s.Log.LogDebug("tracker lookups ended: {Error}", e.Message))
            : System.Reactive.Disposables.Disposable.Empty;
        return new System.Reactive.Disposables.CompositeDisposable(fromOverlay, fromTracker);
    }

    private static async Task ConnectAsync(TrackDownload download, ClientServices s, string peerId, IPEndPoint endpoint, string via)
    {
        if (peerId == s.Overlay.PeerId || download.Stopping.IsCancellationRequested) return;
        try
        {
            var connected = s.Overlay.IsConnected(peerId) ? peerId : await s.Overlay.ConnectAsync(endpoint, download.Stopping);
            if (download.AddPeer(connected)) s.Events.Add("peers", $"{download.TrackId}: first peer {connected} from the {via}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            s.Log.LogDebug("could not connect to {Peer} at {Endpoint}: {Error}", peerId, endpoint, e.Message);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
