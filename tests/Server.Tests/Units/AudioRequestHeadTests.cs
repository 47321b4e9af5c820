using System.Buffers;
using System.Text;
using Spotify.Rx.Server.Audio;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Server.Tests.Units;

public class AudioRequestHeadTests
{
    private const string Request = "GET /tracks/a-1/audio?from=2&seconds=3 HTTP/1.1\r\nHost: x\r\nAuthorization:  Bearer abc \r\nRange: bytes=0-9\r\n\r\n";

    [Fact]
    public void A_head_split_over_many_segments_parses_like_one_in_a_single_segment()
    {
        var bytes = Encoding.ASCII.GetBytes(Request);
        var head = new AudioRequestHead();
        Assert.Equal(HeadStatus.Complete, head.Parse(Segments.Every(bytes, 7)));
        Assert.Equal(bytes.Length, head.Consumed);
        Assert.Equal("/tracks/a-1/audio", head.Path.ToString());
        Assert.Equal("from=2&seconds=3", head.Query.ToString());
        Assert.Equal("Bearer abc", head.Authorization.ToString());
        Assert.Equal("bytes=0-9", head.Range.ToString());
        Assert.True(head.KeepAlive);
        Assert.False(head.IsHead);
    }

    [Fact]
    public void Every_prefix_of_a_head_is_incomplete_and_only_the_whole_of_it_is_consumed()
    {
        var bytes = Encoding.ASCII.GetBytes(Request + "GET /next");
        var head = new AudioRequestHead();
        for (int n = 0; n < Request.Length; n++)
            Assert.Equal(HeadStatus.Incomplete, head.Parse(new ReadOnlySequence<byte>(bytes, 0, n)));
        Assert.Equal(HeadStatus.Complete, head.Parse(new ReadOnlySequence<byte>(bytes)));
        Assert.Equal(Request.Length, head.Consumed);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nConnection: Keep-Alive, Close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true)]
    [InlineData("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", true)]
    public void Keep_alive_follows_the_version_and_the_connection_header(string request, bool keepAlive)
    {
        var head = new AudioRequestHead();
        Assert.Equal(HeadStatus.Complete, head.Parse(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(request))));
        Assert.Equal(keepAlive, head.KeepAlive);
    }

    [Fact]
    public void Eight_kilobytes_without_the_end_of_the_head_is_refused_with_431()
    {
        var head = new AudioRequestHead();
        var bytes = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nX-A: " + new string('a', AudioRequestHead.MaxHeadBytes));
        Assert.Equal(HeadStatus.Refused, head.Parse(Segments.Every(bytes, 1000)));
        Assert.Equal(431, head.RefusalStatus);
        Assert.False(head.KeepAlive);
    }
}
