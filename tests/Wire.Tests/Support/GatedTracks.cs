using System.Collections.Concurrent;
using System.Threading.Channels;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Wire.Tracks;

namespace Spotify.Rx.Wire.Tests.Support;

/// <summary>
/// Cached tracks whose chunk reads wait until the test opens them, one index at a time, so a
/// test decides exactly when each upload finishes. <see cref="Started"/> tells which reads began, in order.
/// </summary>
public sealed class GatedTracks(ICachedTracks inner, string? onlyTrack = null) : ICachedTracks
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _gates = new();
    private readonly Channel<int> _started = Channel.CreateUnbounded<int>();

    public ChannelReader<int> Started => _started.Reader;

    public bool Has(string trackId) => inner.Has(trackId);

    public TrackManifest? Manifest(string trackId) => inner.Manifest(trackId);

    public async ValueTask<ReadOnlyMemory<byte>> ReadChunkAsync(string trackId, int index, CancellationToken ct)
    {
        if (onlyTrack is not null && onlyTrack != trackId) return await inner.ReadChunkAsync(trackId, index, ct);
        _started.Writer.TryWrite(index);
        await Gate(index).Task.WaitAsync(ct);
        return await inner.ReadChunkAsync(trackId, index, ct);
    }

    public void Open(int index) => Gate(index).TrySetResult();

    public void OpenAll(IEnumerable<int> indexes)
    {
        foreach (var i in indexes) Open(i);
    }

    public async Task<int> NextStartedAsync() => await _started.Reader.ReadAsync().AsTask().WaitAsync(TestSwarm.Patience);

    private TaskCompletionSource Gate(int index) => _gates.GetOrAdd(index, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
