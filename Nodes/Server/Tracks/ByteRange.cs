namespace Spotify.Rx.Server.Tracks;

public enum RangeOutcome { Whole, Partial, Unsatisfiable, Malformed, Multiple }

/// <summary>
/// What a <c>Range</c> header asks of a representation of <c>length</c> bytes (RFC 9110 §14.1.2, §14.2):
/// <see cref="Start"/> to <see cref="End"/> (exclusive), or why it cannot be served.
/// </summary>
public readonly record struct ByteRange(RangeOutcome Outcome, long Start, long End, string? Reason = null)
{
    public long Length => End - Start;

    // RFC 9110 §5.6.3: the only white space around list items and values is SP and HTAB. A wider Trim()
    // would accept a no-break space the Kestrel route refuses, and the two front ends must agree.
    private const string Ows = " \t";

    public static ByteRange Whole(long length) => new(RangeOutcome.Whole, 0, length);
    private static ByteRange Malformed(string reason) => new(RangeOutcome.Malformed, 0, 0, reason);
    private static ByteRange Unsatisfiable(string reason) => new(RangeOutcome.Unsatisfiable, 0, 0, reason);

    /// <summary>
    /// Parses one header value without allocating. A single range (<c>bytes=a-b</c>, <c>bytes=a-</c>,
    /// <c>bytes=-n</c>) is served; several ranges are refused, since serving them would need a
    /// multipart body no client of ours asks for.
    /// </summary>
    public static ByteRange Parse(ReadOnlySpan<char> header, long length)
    {
        header = header.Trim(Ows);
        if (header.IsEmpty) return Whole(length);
        int eq = header.IndexOf('=');
        if (eq < 0) return Malformed("Range must look like bytes=first-last");
        if (!header[..eq].Trim(Ows).Equals("bytes", StringComparison.OrdinalIgnoreCase))
            return Malformed($"Range unit must be bytes, not '{header[..eq].Trim(Ows)}'");
        var set = header[(eq + 1)..].Trim(Ows);
        if (set.Contains(','))
        {
            // "bytes=0-99," is still one range: RFC 9110 §5.6.1 lets list elements be empty.
            var first = set[..set.IndexOf(',')].Trim(Ows);
            var rest = set[(set.IndexOf(',') + 1)..];
            foreach (var c in rest) if (c is not (',' or ' ' or '\t')) return new(RangeOutcome.Multiple, 0, 0, "multiple ranges are not served: ask for one range per request");
            set = first;
        }
        int dash = set.IndexOf('-');
        if (dash < 0) return Malformed("a byte range needs a '-'");
        var firstText = set[..dash].Trim(Ows);
        var lastText = set[(dash + 1)..].Trim(Ows);

        if (firstText.IsEmpty)
        {
            // Suffix range: the last n bytes.
            if (!TryDigits(lastText, out var suffix)) return Malformed("suffix length must be digits, as in bytes=-500");
            if (suffix == 0 || length == 0) return Unsatisfiable("a suffix range of zero bytes selects nothing");
            return new(RangeOutcome.Partial, Math.Max(0, length - suffix), length);
        }
        if (!TryDigits(firstText, out var start)) return Malformed("first byte position must be digits");
        long endInclusive = long.MaxValue;
        if (!lastText.IsEmpty && !TryDigits(lastText, out endInclusive)) return Malformed("last byte position must be digits");
        if (endInclusive < start) return Malformed("last byte position is before the first");
        if (start >= length) return Unsatisfiable($"first byte position {start} is at or past the end ({length} bytes)");
        return new(RangeOutcome.Partial, start, endInclusive >= length - 1 ? length : endInclusive + 1);
    }

    /// <summary>Digits only (no sign, no spaces inside); values past <see cref="long.MaxValue"/> saturate, as they still mean "to the end".</summary>
    private static bool TryDigits(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.IsEmpty) return false;
        foreach (var c in text)
        {
            if (c is < '0' or > '9') return false;
            value = value > (long.MaxValue - 9) / 10 ? long.MaxValue : value * 10 + (c - '0');
        }
        return true;
    }
}
