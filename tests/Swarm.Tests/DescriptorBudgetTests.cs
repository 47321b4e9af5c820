using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Tests;

public class DescriptorBudgetTests
{
    [Theory]
    [InlineData(20, 20_000, 60)]        // the demo: the paper's limit fits
    [InlineData(200, 20_000, 44)]
    [InlineData(500, 20_000, 15)]       // 60 each would need 60,000 descriptors
    [InlineData(500, 1_048_576, 60)]
    [InlineData(10_000, 20_000, 1)]     // never none: a client with no connection could not be a peer
    public void Each_client_gets_the_papers_sixty_connections_when_the_process_can_hold_both_ends_of_them(int clients, long openFiles, int expected) =>
        Assert.Equal(expected, DescriptorBudget.ConnectionsPerClient(clients, openFiles));

    [Fact]
    public void The_limit_is_read_from_this_process_on_linux()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(DescriptorBudget.OpenFilesLimit() > 0);
    }
}
