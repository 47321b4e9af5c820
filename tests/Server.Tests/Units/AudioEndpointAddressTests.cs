using Spotify.Rx.Server.Audio;

namespace Spotify.Rx.Server.Tests.Units;

public class AudioEndpointAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5081", "127.0.0.1:5080", "http://127.0.0.1:5081")]
    [InlineData("http://0.0.0.0:5081", "music.example:5080", "http://music.example:5081")]
    [InlineData("http://*:5081", "10.0.0.7:5080", "http://10.0.0.7:5081")]
    [InlineData("http://[::]:5081", "[fe80::1]:5080", "http://[fe80::1]:5081")]
    [InlineData("", "music.example:5080", null)]
    [InlineData("http://127.0.0.1:5081", "10.0.0.7:5080", null)]
    [InlineData("http://127.0.0.1:5081", "localhost:5080", "http://127.0.0.1:5081")]
    public void A_client_is_told_the_configured_address_or_for_a_wildcard_the_host_it_reached(string configured, string requestHost, string? told)
    {
        Assert.Equal(told, AudioEndpointAddress.Advertised(configured, requestHost));
    }

    [Theory]
    [InlineData("http://0.0.0.0:5081", "10.0.0.7:5080", "http://audio.example:80", "http://audio.example:80")]
    [InlineData("http://127.0.0.1:5081", "10.0.0.7:5080", "http://lb.example:8081/", "http://lb.example:8081")]
    public void An_advertised_audio_URL_is_told_as_configured(string configured, string requestHost, string advertised, string told)
    {
        Assert.Equal(told, AudioEndpointAddress.Advertised(configured, requestHost, advertised));
    }
}
