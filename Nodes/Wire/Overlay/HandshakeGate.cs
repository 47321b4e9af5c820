using System.Net;
using System.Net.Sockets;

namespace Spotify.Rx.Wire.Overlay;

/// <summary>
/// The budget of inbound connections that have not yet completed HELLO, apart from
/// <see cref="Streams.Gates.ConnectionGate"/>'s peer slots: a connection costs a peer slot only once its token is
/// valid, so sockets that never authenticate cannot keep real peers out. The budget itself is bounded
/// two ways: at most <see cref="PerAddress"/> pending from one address (an IPv4 address, an IPv6 /64,
/// which one host is usually given whole), refused beyond that; and at most <see cref="Limit"/> in
/// all, where a newcomer evicts the oldest pending one instead of being refused, so a flood from many
/// addresses churns through the budget while a real peer's handshake, a round trip long, gets through.
/// </summary>
public sealed class HandshakeGate
{
    public const int DefaultLimit = 64;
    public const int DefaultPerAddress = 16;

    private readonly object _sync = new();
    private readonly LinkedList<Handshake> _pending = new();
    private readonly Dictionary<AddressKey, int> _perAddress = new();

    public HandshakeGate(int limit = DefaultLimit, int perAddress = DefaultPerAddress)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perAddress);
        Limit = limit;
        PerAddress = perAddress;
    }

    public int Limit { get; }
    public int PerAddress { get; }

    /// <summary>Handshakes under way now.</summary>
    public int Pending
    {
        get { lock (_sync) return _pending.Count; }
    }

    /// <summary>
    /// A lease for one handshake from <paramref name="address"/>, to be disposed when the handshake
    /// ends either way; or null, with the reason, when that address has <see cref="PerAddress"/>
    /// pending. When the budget is full the oldest pending handshake is evicted: its
    /// <paramref name="evict"/> is called (outside the gate's lock) and its lease freed.
    /// </summary>
    public IDisposable? TryEnter(IPAddress address, Action evict, out string? refusal)
    {
        var key = Key(address);
        Handshake? evicted = null;
        Handshake entry;
        lock (_sync)
        {
            var count = _perAddress.GetValueOrDefault(key);
            if (count >= PerAddress)
            {
                refusal = $"handshake limit for {address} reached ({PerAddress} pending)";
                return null;
            }
            if (_pending.Count >= Limit)
            {
                evicted = _pending.First!.Value;
                Remove(evicted);
            }
            entry = new Handshake(this, key, evict);
            entry.Node = _pending.AddLast(entry);
            _perAddress[key] = count + 1;
        }
        evicted?.Evict();
        refusal = null;
        return entry;
    }

    private void Remove(Handshake entry)
    {
        if (entry.Node is null) return;
        _pending.Remove(entry.Node);
        entry.Node = null;
        var left = _perAddress[entry.Key] - 1;
        if (left == 0) _perAddress.Remove(entry.Key);
        else _perAddress[entry.Key] = left;
    }

    private readonly record struct AddressKey(bool V6, ulong Bits);

    // IPv4 (also when mapped into IPv6) by its whole address; IPv6 by its /64.
    private static AddressKey Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        address.TryWriteBytes(bytes, out _);
        return new AddressKey(address.AddressFamily == AddressFamily.InterNetworkV6, BitConverter.ToUInt64(bytes[..8]));
    }

    private sealed class Handshake(HandshakeGate gate, AddressKey key, Action evict) : IDisposable
    {
        public readonly AddressKey Key = key;
        public LinkedListNode<Handshake>? Node;

        public void Evict() => evict();

        public void Dispose()
        {
            lock (gate._sync) gate.Remove(this);
        }
    }
}
