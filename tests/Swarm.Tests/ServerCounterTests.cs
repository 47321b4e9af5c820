using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Tests;

public sealed class ServerCounterTests
{
    [Fact]
    public void The_audio_byte_count_is_read_from_the_servers_metrics_text()
    {
        const string exposition = """
            # HELP spotify_rx_server_audio_bytes_total Track bytes written to responses.
            # TYPE spotify_rx_server_audio_bytes_total counter
            spotify_rx_server_audio_bytes_total 6.442450944E+09
            spotify_rx_server_audio_bytes_total_created 1.7e9
            """;
        Assert.Equal(6_442_450_944L, ServerCounter.Parse(exposition));
    }

    [Fact]
    public void Metrics_without_the_counter_give_no_count()
    {
        Assert.Null(ServerCounter.Parse("# HELP other\nother_total 5\n"));
        Assert.Null(ServerCounter.Parse(""));
    }
}
