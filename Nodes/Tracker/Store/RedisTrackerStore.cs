using Spotify.Rx.Common.Contracts;
using StackExchange.Redis;

namespace Spotify.Rx.Tracker.Store;

/// <summary>
/// The shared store, so several tracker instances serve one swarm: a sorted set per track, member
/// "peerId endpoint", score = registration time (Unix ms). Writes are Lua scripts, so a renewal,
/// the trim to KeepPerTrack and the key's TTL happen as one step whichever instance makes them.
/// Expiry is read from the scores (the instances' clocks); the key TTL only lets Redis drop a
/// track nobody renews.
/// </summary>
public sealed class RedisTrackerStore(IConnectionMultiplexer redis, string keyPrefix, TrackerLimits limits, TimeProvider time) : ITrackerStore
{
    // ARGV: peer id, member, now (ms), lifetime (ms), keep. At most keep+1 members are ever scanned.
    private const string RegisterScript = """
        local prefix = ARGV[1] .. ' '
        for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
          if string.sub(m, 1, #prefix) == prefix then redis.call('ZREM', KEYS[1], m) end
        end
        local now, lifetime, keep = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
        redis.call('ZADD', KEYS[1], now, ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - lifetime)
        redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(keep + 1))
        redis.call('PEXPIRE', KEYS[1], lifetime)
        return 1
        """;

    // ARGV: peer id, oldest live score. Returns how many live registrations were removed.
    private const string RemoveScript = """
        local prefix = ARGV[1] .. ' '
        local removed = 0
        for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '+inf')) do
          if string.sub(m, 1, #prefix) == prefix then removed = removed + redis.call('ZREM', KEYS[1], m) end
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
        return removed
        """;

    private readonly IDatabase _db = redis.GetDatabase();
    private readonly long _lifetimeMs = (long)limits.RegistrationLifetime.TotalMilliseconds;

    public bool IsAvailable => redis.IsConnected;

    public async ValueTask RegisterAsync(string trackId, PeerInfo peer, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await Guard(_db.ScriptEvaluateAsync(RegisterScript, [Key(trackId)],
            [peer.PeerId, peer.PeerId + " " + peer.Endpoint, now, _lifetimeMs, limits.KeepPerTrack]));
    }

    public async ValueTask<bool> RemoveAsync(string trackId, string peerId, CancellationToken ct = default)
    {
        var oldestAlive = time.GetUtcNow().ToUnixTimeMilliseconds() - _lifetimeMs;
        var removed = await Guard(_db.ScriptEvaluateAsync(RemoveScript, [Key(trackId)], [peerId, oldestAlive]));
        return (long)removed > 0;
    }

    public async ValueTask<IReadOnlyList<PeerInfo>> RecentAsync(string trackId, CancellationToken ct = default)
    {
        var oldestAlive = time.GetUtcNow().ToUnixTimeMilliseconds() - _lifetimeMs;
        var members = await Guard(_db.SortedSetRangeByScoreAsync(Key(trackId), oldestAlive, double.PositiveInfinity,
            Exclude.Start, Order.Descending, 0, limits.KeepPerTrack));
        var peers = new PeerInfo[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            var member = (string)members[i]!;
            var space = member.IndexOf(' ');
            peers[i] = new PeerInfo(member[..space], member[(space + 1)..]);
        }
        return peers;
    }

    public async ValueTask<int> StoredCountAsync(string trackId, CancellationToken ct = default) =>
        (int)await Guard(_db.SortedSetLengthAsync(Key(trackId)));

    private RedisKey Key(string trackId) => keyPrefix + trackId;

    private static async Task<T> Guard<T>(Task<T> call)
    {
        try
        {
            return await call;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new TrackerStoreUnavailableException("the Redis store did not answer: " + e.Message, e);
        }
    }
}
