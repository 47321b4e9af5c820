using System.Net;
using Spotify.Rx.Client.Http;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Wire.Overlay;

namespace Spotify.Rx.Client;

/// <summary>What the engine asks of the main server: manifests and chunk-aligned byte ranges.</summary>
internal interface ITrackServer
{
    Task<TrackManifest> ManifestAsync(string trackId, CancellationToken ct);

    /// <summary>
    /// Bytes [start, end), handed to <paramref name="part"/> as they arrive, in order, in parts of
    /// <paramref name="partBytes"/> (a chunk each when the range is chunk-aligned); completes after the last.
    /// </summary>
    Task RangeAsync(string trackId, long start, long end, int partBytes, RangePart part, CancellationToken ct);
}

/// <summary>What the engine asks of the tracker: who has a track (peer id and overlay endpoint).</summary>
internal interface IPeerDirectory
{
    Task<IReadOnlyList<(string PeerId, string Endpoint)>> PeersAsync(string trackId, CancellationToken ct);
}

/// <summary>What the engine asks of the overlay: connections, SEARCH, and chunks from peers.</summary>
internal interface IOverlayLink
{
    string PeerId { get; }

    bool IsConnected(string peerId);

    /// <summary>False while this node is at its connection limit: a dial now would be refused here.</summary>
    bool CanDial { get; }

    Task<string> ConnectAsync(IPEndPoint endpoint, CancellationToken ct);

    IObservable<PeerHave> Search(string trackId);

    /// <summary>A verified chunk; fails with a <see cref="Wire.PeerFetchException"/> the engine reacts to.</summary>
    Task<ReadOnlyMemory<byte>> FetchChunkAsync(string peerId, TrackManifest manifest, int index, CancellationToken ct);
}

internal sealed class HttpTrackServer(ServerClient server) : ITrackServer
{
    public Task<TrackManifest> ManifestAsync(string trackId, CancellationToken ct) => server.ManifestAsync(trackId, ct);

    public Task RangeAsync(string trackId, long start, long end, int partBytes, RangePart part, CancellationToken ct) =>
        server.RangeAsync(trackId, start, end, partBytes, part, ct);
}

internal sealed class HttpPeerDirectory(TrackerClient tracker) : IPeerDirectory
{
    public async Task<IReadOnlyList<(string PeerId, string Endpoint)>> PeersAsync(string trackId, CancellationToken ct) =>
        (await tracker.PeersAsync(trackId, ct).ConfigureAwait(false)).Peers.Select(p => (p.PeerId, p.Endpoint)).ToList();
}

internal sealed class WireOverlay(PeerNode node) : IOverlayLink
{
    public string PeerId => node.PeerId;

    public bool IsConnected(string peerId) => node.IsConnected(peerId);

    public bool CanDial => !node.Connections.IsFull;

    public Task<string> ConnectAsync(IPEndPoint endpoint, CancellationToken ct) => node.ConnectAsync(endpoint, ct);

    public IObservable<PeerHave> Search(string trackId) => node.Search(trackId);

    public Task<ReadOnlyMemory<byte>> FetchChunkAsync(string peerId, TrackManifest manifest, int index, CancellationToken ct) =>
        node.FetchChunkAsync(peerId, manifest, index, ct);
}
