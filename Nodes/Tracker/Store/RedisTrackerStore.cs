using Spotify.Rx.Common.Contracts;
using StackExchange.Redis;

namespace Spotify.Rx.Tracker.Store;

/// <summary>
/// The shared store, so several tracker instances serve one swarm: a sorted set per track, member
/// "peerId endpoint", score = registration time (Unix ms). Writes are Lua scripts, so a renewal,
/// the trim to KeepPerTrack and the key's TTL happen as one step whichever instance makes them.
/// Expiry is read from the scores (the instances' clocks); the key TTL only lets Redis drop a
/// track nobody renews. A second sorted set per peer (member track id, same scores) holds the
/// peer to <see cref="TrackerLimits.TracksPerPeer"/> across every instance.
/// </summary>
public sealed class RedisTrackerStore(IConnectionMultiplexer redis, string keyPrefix, TrackerLimits limits, TimeProvider time) : ITrackerStore
{
    // KEYS: the track's set, the peer's set. ARGV: peer id, member, now (ms), lifetime (ms), keep,
    // track id, tracks per peer. At most keep+1 members of the track are ever scanned. Returns 0,
    // storing nothing, when the peer already holds its cap of other tracks.
    private const string RegisterScript = """
        local now, lifetime, keep, cap = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[7])
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - lifetime)
        if not redis.call('ZSCORE', KEYS[2], ARGV[6]) and redis.call('ZCARD', KEYS[2]) >= cap then return 0 end
        redis.call('ZADD', KEYS[2], now, ARGV[6])
        redis.call('PEXPIRE', KEYS[2], lifetime)
        local prefix = ARGV[1] .. ' '
        for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
          if string.sub(m, 1, #prefix) == prefix then redis.call('ZREM', KEYS[1], m) end
        end
        redis.call('ZADD', KEYS[1], now, ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - lifetime)
        redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(keep + 1))
        redis.call('PEXPIRE', KEYS[1], lifetime)
        return 1
        """;

    // KEYS: the track's set, the peer's set. ARGV: peer id, oldest live score, track id.
    // Returns how many live registrations were removed.
    private const string RemoveScript = """
        redis.call('ZREM', KEYS[2], ARGV[3])
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

    public async ValueTask<bool> RegisterAsync(string trackId, PeerInfo peer, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var stored = await Guard(_db.ScriptEvaluateAsync(RegisterScript, [Key(trackId), PeerKey(peer.PeerId)],
            [peer.PeerId, peer.PeerId + " " + peer.Endpoint, now, _lifetimeMs, limits.KeepPerTrack, trackId, limits.TracksPerPeer]));
        return (long)stored == 1;
    }

    public async ValueTask<bool> RemoveAsync(string trackId, string peerId, CancellationToken ct = default)
    {
        var oldestAlive = time.GetUtcNow().ToUnixTimeMilliseconds() - _lifetimeMs;
        var removed = await Guard(_db.ScriptEvaluateAsync(RemoveScript, [Key(trackId), PeerKey(peerId)], [peerId, oldestAlive, trackId]));
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

    // Track ids never hold ':', so a peer's set cannot meet a track's.
    private RedisKey PeerKey(string peerId) => keyPrefix + "peer:" + peerId;

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
