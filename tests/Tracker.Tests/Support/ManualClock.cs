namespace Spotify.Rx.Tracker.Tests.Support;

/// <summary>A clock the test moves by hand, so soft-state expiry is checked without waiting for it.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    // Starts at the real time: Redis key TTLs run on Redis's own clock and must not lapse mid-test.
    public ManualClock() : this(DateTimeOffset.UtcNow) { }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
