using System.Net;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Spotify.Rx.Streams;

namespace Spotify.Rx.Client;

/// <summary>
/// Finds peers that have a track, both ways at once (rule 1): the tracker (up to 10 peers) and a
/// SEARCH through the overlay neighbours (two hops). Each peer found is connected and announced on
/// the loop as a <see cref="PeerChange"/>, the input of the track's peer availability. The tracker is
/// asked again now and then while the track is incomplete, so a peer that cached it meanwhile is
/// found; a tracker that is down leaves the neighbours.
/// </summary>
internal static class PeerDiscovery
{
    private static readonly TimeSpan TrackerAgain = TimeSpan.FromSeconds(5);

    public static IDisposable Start(TrackDownload download, ClientServices s, bool askTracker = true, bool searchNeighbours = true)
    {
        var found = new CompositeDisposable();
        if (searchNeighbours)
            found.Add(s.Overlay.Search(download.TrackId).Subscribe(
                have => s.Loop.Schedule(() => Connect(download, s, have.PeerId, have.Endpoint, $"search ({have.Hops} hop{(have.Hops == 1 ? "" : "s")})")),
                e => s.Log.LogDebug("search for {Track} ended: {Error}", download.TrackId, e.Message)));
        if (askTracker)
            found.Add(Observable.Timer(TimeSpan.Zero, TrackerAgain, s.Loop)
                .TakeWhile(_ => !download.IsComplete && !download.Stopping.IsCancellationRequested)
                .Subscribe(_ => AskTracker(download, s)));
        return found;
    }

    private static void AskTracker(TrackDownload download, ClientServices s)
    {
        Task<IReadOnlyList<(string PeerId, string Endpoint)>> asking;
        try { asking = s.Tracker.PeersAsync(download.TrackId, download.Stopping); }
        catch (Exception e) { asking = Task.FromException<IReadOnlyList<(string, string)>>(e); }
        asking.Then(s.Loop, t =>
        {
            if (!t.IsCompletedSuccessfully)
            {
                // A failed lookup is worth a warning (a user sees why no peers come); a cancelled one is a track change.
                if (!t.IsCanceled) s.Log.LogWarning("tracker lookup of {Track} failed: {Error}", download.TrackId, t.Exception?.InnerException?.Message);
                return;
            }
            foreach (var (peerId, endpoint) in t.Result)
                if (IPEndPoint.TryParse(endpoint, out var at)) Connect(download, s, peerId, at, "tracker");
        });
    }

    private static void Connect(TrackDownload download, ClientServices s, string peerId, IPEndPoint endpoint, string via)
    {
        if (peerId == s.Overlay.PeerId || download.Stopping.IsCancellationRequested) return;
        var connected = s.Overlay.IsConnected(peerId);
        // A node at its limit would refuse its own dial: not dialled, no refusal to raise. The tracker
        // is asked again in a few seconds, by when a connection may have closed. (A 500-client swarm
        // with 15 connections a client raised 42,000 such refusals a minute.)
        if (!connected && !s.Overlay.CanDial) return;
        Task<string> connecting;
        try { connecting = connected ? Task.FromResult(peerId) : s.Overlay.ConnectAsync(endpoint, download.Stopping); }
        catch (Exception e) { connecting = Task.FromException<string>(e); }
        connecting.Then(s.Loop, t =>
        {
            if (!t.IsCompletedSuccessfully)
            {
                if (!t.IsCanceled) s.Log.LogDebug("could not connect to {Peer} at {Endpoint}: {Error}", peerId, endpoint, t.Exception?.InnerException?.Message);
                return;
            }
            if (download.Stopping.IsCancellationRequested) return;
            var first = download.KnownPeers == 0;
            s.PeerChanges.OnNext(PeerChange.Found(download.TrackId, t.Result));
            if (first && download.KnownPeers > 0) s.Events.Add(new FirstPeerFound(s.Loop.Now, download.TrackId, t.Result, via));
        });
    }
}
