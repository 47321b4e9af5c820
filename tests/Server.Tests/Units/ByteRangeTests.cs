using Spotify.Rx.Server.Tracks;

namespace Spotify.Rx.Server.Tests.Units;

public class ByteRangeTests
{
    private const long Length = 1000;

    [Theory]
    [InlineData("bytes=0-99", 0, 100)]
    [InlineData("bytes=100-", 100, 1000)]
    [InlineData("bytes=-100", 900, 1000)]
    [InlineData("bytes=-5000", 0, 1000)]
    [InlineData("bytes=990-5000", 990, 1000)]
    [InlineData("bytes=999-999", 999, 1000)]
    [InlineData("BYTES = 10 - 19", 10, 20)]
    [InlineData("bytes=0-99999999999999999999999", 0, 1000)]
    [InlineData("bytes=0-99,", 0, 100)]
    public void A_single_range_selects_the_bytes_it_names_clamped_to_the_track(string header, long start, long end)
    {
        var range = ByteRange.Parse(header, Length);
        Assert.Equal(new ByteRange(RangeOutcome.Partial, start, end), range);
    }

    [Fact]
    public void No_range_header_means_the_whole_track() =>
        Assert.Equal(ByteRange.Whole(Length), ByteRange.Parse("", Length));

    [Theory]
    [InlineData("bytes=1000-")]
    [InlineData("bytes=5000-6000")]
    [InlineData("bytes=-0")]
    public void A_range_past_the_end_or_of_zero_bytes_is_unsatisfiable(string header)
    {
        var range = ByteRange.Parse(header, Length);
        Assert.Equal(RangeOutcome.Unsatisfiable, range.Outcome);
        Assert.False(string.IsNullOrEmpty(range.Reason));
    }

    [Theory]
    [InlineData("bytes")]
    [InlineData("bytes=")]
    [InlineData("bytes=abc")]
    [InlineData("bytes=5")]
    [InlineData("bytes=-")]
    [InlineData("bytes=20-10")]
    [InlineData("bytes=-1-2")]
    [InlineData("bytes=+1-2")]
    [InlineData("items=0-10")]
    [InlineData("0-10")]
    public void A_malformed_range_is_refused_with_a_reason(string header)
    {
        var range = ByteRange.Parse(header, Length);
        Assert.Equal(RangeOutcome.Malformed, range.Outcome);
        Assert.False(string.IsNullOrEmpty(range.Reason));
    }

    [Fact]
    public void Several_ranges_are_refused_rather_than_served_as_one() =>
        Assert.Equal(RangeOutcome.Multiple, ByteRange.Parse("bytes=0-9, 20-29", Length).Outcome);
}
