using System.Net;

namespace Spotify.Rx.Client.Tests.Cache;

/// <summary>--listen and --advertise are refused at start with the reason; what a client registers without --advertise.</summary>
public class OverlayAddressTests
{
    [Theory]
    [InlineData("0.0.0.0:6881", "0.0.0.0:6881")]
    [InlineData("[::]:6881", "[::]:6881")]
    [InlineData("::", "[::]:0")]
    [InlineData("10.0.0.5", "10.0.0.5:0")]
    [InlineData("127.0.0.1:0", "127.0.0.1:0")]
    public void A_listen_address_with_or_without_a_port_is_read(string text, string endpoint)
    {
        Assert.Null(OverlayAddress.ParseListen(text, out var parsed));
        Assert.Equal(IPEndPoint.Parse(endpoint), parsed);
    }

    [Theory]
    [InlineData("6881")]
    [InlineData("localhost:6881")]
    [InlineData("10.0.0.5:99999")]
    [InlineData("nonsense")]
    public void A_malformed_listen_address_is_refused_with_the_reason(string text)
    {
        Assert.Contains("is not ADDRESS[:PORT]", OverlayAddress.ParseListen(text, out _));
    }

    [Theory]
    [InlineData("203.0.113.7:6881", null)]
    [InlineData("peer.example:6881", null)]
    [InlineData("[2001:db8::7]:6881", null)]
    [InlineData("203.0.113.7", "is not HOST:PORT")]
    [InlineData("203.0.113.7:0", "is not HOST:PORT")]
    [InlineData("2001:db8::7:6881", "in brackets")]
    [InlineData("0.0.0.0:6881", "unspecified")]
    [InlineData("bad host:6881", "not a host name")]
    public void An_advertised_endpoint_is_refused_with_the_reason_unless_it_is_host_and_port(string text, string? reason)
    {
        var problem = OverlayAddress.AdvertiseProblem(text);
        if (reason is null) Assert.Null(problem);
        else Assert.Contains(reason, problem);
    }

    [Fact]
    public void Without_an_advertised_endpoint_a_client_on_every_interface_registers_no_host()
    {
        Assert.Equal("0.0.0.0:6881", OverlayAddress.Registered(new IPEndPoint(IPAddress.IPv6Any, 6881)));
        Assert.Equal("0.0.0.0:6881", OverlayAddress.Registered(new IPEndPoint(IPAddress.Any, 6881)));
        Assert.Equal("10.0.0.5:6881", OverlayAddress.Registered(new IPEndPoint(IPAddress.Parse("10.0.0.5"), 6881)));
        Assert.Equal("[2001:db8::7]:6881", OverlayAddress.Registered(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 6881)));
    }
}
