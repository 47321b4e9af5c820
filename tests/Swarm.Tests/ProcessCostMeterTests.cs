using Spotify.Rx.Swarm.Running;

namespace Spotify.Rx.Swarm.Tests;

public class ProcessCostMeterTests
{
    private static (TimeSpan, TimeSpan) At(double wallSeconds, double cpuSeconds) =>
        (TimeSpan.FromSeconds(wallSeconds), TimeSpan.FromSeconds(cpuSeconds));

    [Fact]
    public void The_later_half_counts_from_the_first_sample_at_or_past_the_middle_to_the_last()
    {
        // A start burst of 1.5 cores for 20 s, then 0.5 cores: 100 clients.
        var samples = new[] { At(0, 0), At(10, 15), At(20, 30), At(30, 35), At(40, 40), At(50, 45), At(60, 50) };

        var laterHalf = ProcessCostMeter.LaterHalfMsPerClientPerSecond(samples, clients: 100);

        Assert.Equal(5.0, laterHalf!.Value, precision: 9);     // 15 s of CPU over 30 s, per client: the burst is not in it
    }

    [Fact]
    public void Uneven_samples_take_the_first_one_past_the_middle()
    {
        var samples = new[] { At(0, 0), At(29, 40), At(31, 42), At(61, 57) };

        Assert.Equal(0.5, ProcessCostMeter.LaterHalfMsPerClientPerSecond(samples, clients: 1000)!.Value, precision: 9);
    }

    [Fact]
    public void Without_a_sample_between_the_start_and_the_end_there_is_no_later_half()
    {
        Assert.Null(ProcessCostMeter.LaterHalfMsPerClientPerSecond([At(0, 0), At(60, 50)], clients: 10));
        Assert.Null(ProcessCostMeter.LaterHalfMsPerClientPerSecond([At(0, 0)], clients: 10));
    }
}
