using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Tracker.Store;

namespace Spotify.Rx.Tracker.Tests.Stores;

public sealed class MemoryTrackerStoreTests : TrackerStoreContract
{
    private MemoryTrackerStore Memory => (MemoryTrackerStore)Store!;

    protected override Task<ITrackerStore?> CreateStoreAsync(TrackerLimits limits, TimeProvider time) =>
        Task.FromResult<ITrackerStore?>(new MemoryTrackerStore(limits, time));

    [Fact]
    public async Task Tracks_whose_registrations_all_expired_are_forgotten_so_memory_stays_bounded()
    {
        for (var n = 0; n < 1000; n++) await Memory.RegisterAsync($"track-{n}", new PeerInfo("peer-1", "10.0.0.1:4000"));
        Assert.Equal(1000, Memory.TrackCount);

        Clock.Advance(Limits.RegistrationLifetime);
        await Memory.RegisterAsync("track-fresh", new PeerInfo("peer-2", "10.0.0.2:4000"));

        Assert.Equal(1, Memory.TrackCount);
        Assert.Single(await Memory.RecentAsync("track-fresh"));
    }

    [Fact]
    public async Task Tracks_still_in_use_survive_the_sweep()
    {
        await Memory.RegisterAsync("track-old", new PeerInfo("peer-1", "10.0.0.1:4000"));
        Clock.Advance(Limits.RegistrationLifetime / 2);
        await Memory.RegisterAsync("track-young", new PeerInfo("peer-2", "10.0.0.2:4000"));
        Clock.Advance(Limits.RegistrationLifetime / 2);

        await Memory.RegisterAsync("track-new", new PeerInfo("peer-3", "10.0.0.3:4000"));

        Assert.Equal(2, Memory.TrackCount);
        Assert.Single(await Memory.RecentAsync("track-young"));
    }
}
