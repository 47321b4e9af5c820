using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Spotify.Rx.Marbles;
using Spotify.Rx.Streams.Gates;
using static Spotify.Rx.Streams.Tests.Rules.Audio;

namespace Spotify.Rx.Streams.Tests.Gates;

/// <summary>The limits of docs/ARCHITECTURE.md as marble diagrams; each letter is one peer.</summary>
public class LimitMarbleTests
{
    [Fact]
    public void A_fifth_upload_request_waits_for_the_first_free_slot_in_arrival_order()
    {
        var m = new MarbleScheduler(Frame);
        var slots = new UploadSlots();
        var holdFor = new Dictionary<string, TimeSpan> { ["a"] = Seconds(9), ["b"] = Seconds(9), ["c"] = Seconds(5), ["d"] = Seconds(9), ["e"] = Seconds(9), ["f"] = Seconds(9) };
        var requests = m.Hot<string>("^-abcde-f");

        // Each peer holds its slot for its upload's length; c finishes first, so its slot is the first free.
        var granted = requests.SelectMany(peer => slots.Request()
            .Do(lease => m.Schedule(holdFor[peer], lease.Dispose))
            .Select(_ => peer));

        m.ExpectObservable(granted).ToBe("--abcd---e-f");
        m.Flush();
    }

    [Fact]
    public void An_upload_request_that_gives_up_while_waiting_loses_its_place()
    {
        var m = new MarbleScheduler(Frame);
        var slots = new UploadSlots();
        var requests = m.Hot<string>("^-abcdef");

        var granted = requests.SelectMany(peer => slots.Request()
            .Do(lease => m.Schedule(Seconds(10), lease.Dispose))
            .Select(_ => peer)
            .TakeUntil(peer == "e" ? Observable.Timer(Seconds(2), m) : Observable.Never<long>()));

        m.ExpectObservable(granted).ToBe("--abcd------f");
        m.Flush();
    }

    [Fact]
    public void A_sixty_first_peer_connection_is_refused()
    {
        var m = new MarbleScheduler(Frame);
        var gate = new ConnectionGate();
        var attempts = m.Hot<string>("^" + new string('c', 61));

        var outcomes = attempts.Select(_ => gate.TryOpen(out string? _) is null ? "r" : "o");

        m.ExpectObservable(outcomes).ToBe("-" + new string('o', 60) + "r");
        m.Flush();
    }

    [Fact]
    public void The_gate_says_it_is_full_while_sixty_are_open_and_not_once_one_closes()
    {
        var gate = new ConnectionGate();
        var leases = Enumerable.Range(0, 60).Select(_ => gate.TryOpen(out string? _)!).ToList();
        Assert.True(gate.IsFull);

        leases[0].Dispose();
        Assert.False(gate.IsFull);
        Assert.NotNull(gate.TryOpen(out string? _));
        Assert.True(gate.IsFull);
    }

    [Fact]
    public void A_sixth_peer_is_refused_as_a_download_source_while_five_are_in_use()
    {
        var m = new MarbleScheduler(Frame);
        var sources = new DownloadSources();
        var asks = m.Hot<string>("^-abcdefa");

        var outcomes = asks.Select(peer => sources.TryAcquire(peer, out _) is null ? "x" : peer);

        m.ExpectObservable(outcomes).ToBe("--abcdexa");
        m.Flush();
    }
}
