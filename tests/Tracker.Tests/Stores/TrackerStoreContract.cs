using Microsoft.Extensions.Time.Testing;
using Spotify.Rx.Common.Contracts;
using Spotify.Rx.Tracker.Store;
using Spotify.Rx.Tracker.Tests.Support;

namespace Spotify.Rx.Tracker.Tests.Stores;

/// <summary>
/// What every tracker store promises, run once per store. A store subclass returns null from
/// <see cref="CreateStoreAsync"/> only when it cannot run here and has said why; each test then ends early.
/// </summary>
public abstract class TrackerStoreContract : IAsyncLifetime
{
    protected static readonly TrackerLimits Limits = new(TimeSpan.FromSeconds(60), KeepPerTrack: 20);
    // Starts at the real time: Redis key TTLs run on Redis's own clock and must not lapse mid-test.
    protected readonly FakeTimeProvider Clock = new(DateTimeOffset.UtcNow);
    protected ITrackerStore? Store { get; private set; }

    protected abstract Task<ITrackerStore?> CreateStoreAsync(TrackerLimits limits, TimeProvider time);

    public async Task InitializeAsync() => Store = await CreateStoreAsync(Limits, Clock);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static PeerInfo Peer(int n) => new($"peer-{n}", $"10.0.0.{n % 250 + 1}:{40000 + n}");

    [Fact]
    public async Task A_peer_holds_at_most_its_cap_of_tracks_and_renewing_one_it_holds_still_passes()
    {
        if (Store is null) return;
        var store = (await CreateStoreAsync(Limits with { TracksPerPeer = 3 }, Clock))!;
        var peer = Peer(1);
        for (var n = 0; n < 3; n++) Assert.True(await store.RegisterAsync($"held-{n}", peer));

        Assert.False(await store.RegisterAsync("one-too-many", peer));
        Assert.Empty(await store.RecentAsync("one-too-many"));
        Assert.True(await store.RegisterAsync("held-1", peer));
        // Another peer is not held back by this one's cap.
        Assert.True(await store.RegisterAsync("one-too-many", Peer(2)));

        Assert.True(await store.RemoveAsync("held-0", peer.PeerId));
        Assert.True(await store.RegisterAsync("one-too-many", peer));
    }

    [Fact]
    public async Task Expired_registrations_no_longer_count_against_the_cap()
    {
        if (Store is null) return;
        var store = (await CreateStoreAsync(Limits with { TracksPerPeer = 2 }, Clock))!;
        var peer = Peer(1);
        Assert.True(await store.RegisterAsync("old-a", peer));
        Assert.True(await store.RegisterAsync("old-b", peer));
        Assert.False(await store.RegisterAsync("new-c", peer));

        Clock.Advance(Limits.RegistrationLifetime + TimeSpan.FromSeconds(1));

        Assert.True(await store.RegisterAsync("new-c", peer));
        Assert.True(await store.RegisterAsync("new-d", peer));
    }

    private async Task<string[]> RecentIds(string trackId) => (await Store!.RecentAsync(trackId)).Select(p => p.PeerId).ToArray();

    [Fact]
    public async Task A_registered_peer_is_listed_for_its_track_and_no_other()
    {
        if (Store is null) return;
        await Store.RegisterAsync("track-a", Peer(1));

        Assert.Equal([Peer(1)], await Store.RecentAsync("track-a"));
        Assert.Empty(await Store.RecentAsync("track-b"));
    }

    [Fact]
    public async Task Registrations_are_listed_most_recent_first()
    {
        if (Store is null) return;
        foreach (var n in new[] { 1, 2, 3 })
        {
            await Store.RegisterAsync("track-a", Peer(n));
            Clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(["peer-3", "peer-2", "peer-1"], await RecentIds("track-a"));
    }

    [Fact]
    public async Task A_renewal_moves_the_peer_to_the_front_and_replaces_its_endpoint()
    {
        if (Store is null) return;
        await Store.RegisterAsync("track-a", Peer(1));
        Clock.Advance(TimeSpan.FromMilliseconds(10));
        await Store.RegisterAsync("track-a", Peer(2));
        Clock.Advance(TimeSpan.FromMilliseconds(10));

        await Store.RegisterAsync("track-a", new PeerInfo("peer-1", "10.9.9.9:5000"));

        Assert.Equal([new PeerInfo("peer-1", "10.9.9.9:5000"), Peer(2)], await Store.RecentAsync("track-a"));
        Assert.Equal(2, await Store.StoredCountAsync("track-a"));
    }

    [Fact]
    public async Task A_registration_expires_after_its_lifetime_unless_renewed()
    {
        if (Store is null) return;
        await Store.RegisterAsync("track-a", Peer(1));

        Clock.Advance(Limits.RegistrationLifetime - TimeSpan.FromMilliseconds(1));
        Assert.Equal(["peer-1"], await RecentIds("track-a"));

        Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Empty(await Store.RecentAsync("track-a"));
    }

    [Fact]
    public async Task A_renewal_restarts_the_lifetime()
    {
        if (Store is null) return;
        await Store.RegisterAsync("track-a", Peer(1));
        Clock.Advance(TimeSpan.FromSeconds(45));
        await Store.RegisterAsync("track-a", Peer(1));

        Clock.Advance(TimeSpan.FromSeconds(45));

        Assert.Equal(["peer-1"], await RecentIds("track-a"));
    }

    [Fact]
    public async Task A_removed_peer_is_no_longer_listed_and_the_others_stay()
    {
        if (Store is null) return;
        await Store.RegisterAsync("track-a", Peer(1));
        await Store.RegisterAsync("track-a", Peer(2));

        Assert.True(await Store.RemoveAsync("track-a", "peer-1"));

        Assert.Equal(["peer-2"], await RecentIds("track-a"));
        Assert.False(await Store.RemoveAsync("track-a", "peer-1"));
    }

    [Fact]
    public async Task Removing_a_peer_that_is_not_registered_reports_it_was_not_there()
    {
        if (Store is null) return;
        await Store.RegisterAsync("track-a", Peer(1));

        Assert.False(await Store.RemoveAsync("track-a", "peer-2"));
        Assert.False(await Store.RemoveAsync("track-b", "peer-1"));
        // A peer id that is a prefix of a registered one is a different peer.
        Assert.False(await Store.RemoveAsync("track-a", "peer"));
        Assert.Equal(["peer-1"], await RecentIds("track-a"));
    }

    [Fact]
    public async Task Removing_an_expired_registration_reports_it_was_not_there()
    {
        if (Store is null) return;
        await Store.RegisterAsync("track-a", Peer(1));
        Clock.Advance(Limits.RegistrationLifetime);

        Assert.False(await Store.RemoveAsync("track-a", "peer-1"));
    }

    [Fact]
    public async Task A_flood_of_registrations_keeps_only_the_twenty_most_recent()
    {
        if (Store is null) return;
        for (var n = 0; n < 500; n++)
        {
            await Store.RegisterAsync("track-a", Peer(n));
            Clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(20, await Store.StoredCountAsync("track-a"));
        Assert.Equal(Enumerable.Range(480, 20).Reverse().Select(n => $"peer-{n}"), await RecentIds("track-a"));
    }

    [Fact]
    public async Task Concurrent_registrations_never_push_a_track_past_its_cap()
    {
        if (Store is null) return;
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (n, ct) => await Store.RegisterAsync("track-a", Peer(n), ct));

        Assert.Equal(20, await Store.StoredCountAsync("track-a"));
        Assert.Equal(20, (await Store.RecentAsync("track-a")).Select(p => p.PeerId).Distinct().Count());
    }

    [Fact]
    public async Task Expired_registrations_are_dropped_from_storage_by_the_next_write()
    {
        if (Store is null) return;
        for (var n = 0; n < 5; n++) await Store.RegisterAsync("track-a", Peer(n));
        Clock.Advance(Limits.RegistrationLifetime);

        await Store.RegisterAsync("track-a", Peer(99));

        Assert.Equal(1, await Store.StoredCountAsync("track-a"));
    }
}
