using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Client.Tests.Integration.Peers;

/// <summary>
/// A peer's slow uplink: each chunk leaves only when the link's byte rate allows it (reads queue
/// behind each other), and after <c>holdAfter</c> chunks the next read waits until the connection
/// ends. Counts what it served and the reads a closing connection cut short.
/// </summary>
public sealed class PacedTracks(ICachedTracks inner, double bytesPerSecond, int? holdAfter = null) : ICachedTracks
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _linkFreeAt = DateTimeOffset.MinValue;
    private int _served, _cut;
    private long _servedBytes;

    public int Served => Volatile.Read(ref _served);
    public long ServedBytes => Interlocked.Read(ref _servedBytes);

    /// <summary>Reads that were under way when their connection closed.</summary>
    public int Cut => Volatile.Read(ref _cut);

    /// <summary>Completes when a read is held: a downloader is waiting for a chunk from this peer.</summary>
    public Task Holding => _holding.Task;

    public bool Has(string trackId) => inner.Has(trackId);

    public TrackManifest? Manifest(string trackId) => inner.Manifest(trackId);

    public async ValueTask<ReadOnlyMemory<byte>> ReadChunkAsync(string trackId, int index, CancellationToken ct)
    {
        try
        {
            if (holdAfter is { } limit && Served >= limit)
            {
                _holding.TrySetResult();
                // Held until the connection ends (its token is cancelled then), like a peer that stopped sending.
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }
            var data = await inner.ReadChunkAsync(trackId, index, ct);
            TimeSpan wait;
            lock (_gate)
            {
                var now = DateTimeOffset.UtcNow;
                var start = _linkFreeAt > now ? _linkFreeAt : now;
                _linkFreeAt = start + TimeSpan.FromSeconds(data.Length / bytesPerSecond);
                wait = _linkFreeAt - now;
            }
            await Task.Delay(wait, ct);
            Interlocked.Add(ref _servedBytes, data.Length);
            Interlocked.Increment(ref _served);
            return data;
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _cut);
            throw;
        }
    }
}
