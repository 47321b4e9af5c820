using Spotify.Rx.Tracker.Input;

namespace Spotify.Rx.Tracker.Tests;

public sealed class TrackerInputTests
{
    [Theory]
    [InlineData("127.0.0.1:5000")]
    [InlineData("[::1]:5000")]
    [InlineData("localhost:1")]
    [InlineData("peer-7.example.org:65535")]
    public void Reachable_host_and_port_endpoints_are_accepted(string endpoint) =>
        Assert.Null(TrackerInput.EndpointProblem(endpoint));

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("", "missing")]
    [InlineData("localhost", "not host:port")]
    [InlineData(":5000", "not host:port")]
    [InlineData("localhost:", "not host:port")]
    [InlineData("localhost:0", "between 1 and 65535")]
    [InlineData("localhost:65536", "between 1 and 65535")]
    [InlineData("localhost:+80", "between 1 and 65535")]
    [InlineData("::1:5000", "needs brackets")]
    [InlineData("[10.0.0.1]:5000", "bracketed IPv6")]
    [InlineData("0.0.0.0:5000", "unspecified")]
    [InlineData("[::]:5000", "unspecified")]
    [InlineData("1.2.3:5000", "not an IP address or host name")]
    [InlineData("bad host:5000", "not an IP address or host name")]
    [InlineData("a/b:5000", "not an IP address or host name")]
    public void Anything_else_is_refused_with_a_reason(string? endpoint, string reason) =>
        Assert.Contains(reason, TrackerInput.EndpointProblem(endpoint));

    [Theory]
    [InlineData("t1", true)]
    [InlineData("night-drive-07", true)]
    [InlineData("0", true)]
    [InlineData("", false)]
    [InlineData("-lead", false)]
    [InlineData("Upper", false)]
    [InlineData("under_score", false)]
    [InlineData("dot.dot", false)]
    public void Track_ids_are_lower_case_slugs(string id, bool valid) =>
        Assert.Equal(valid, TrackerInput.IsValidTrackId(id));

    [Fact]
    public void Track_ids_are_at_most_64_characters() =>
        Assert.Equal([true, false], new[] { 64, 65 }.Select(n => TrackerInput.IsValidTrackId(new string('a', n))));
}
