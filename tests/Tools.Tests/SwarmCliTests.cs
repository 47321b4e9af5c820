namespace Spotify.Rx.Tools.Tests;

/// <summary>tools/Swarm's command line: help, and bad usage refused with exit code 2 before anything starts.</summary>
public sealed class SwarmCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spotify-rx-swarm-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("Cannot parse argument 'x' for option '--clients'", "--clients", "x")]
    [InlineData("--clients must be at least 1", "--clients", "0")]
    [InlineData("--speed must be positive", "--speed", "0")]
    [InlineData("Argument 'Expire30s' not recognized", "--cache", "Expire30s")]
    [InlineData("Unrecognized command or argument '--frobnicate'", "--frobnicate")]
    public async Task Bad_usage_is_exit_code_2_with_the_reason_and_no_stack_trace(string reason, params string[] args)
    {
        var run = await ToolRun.RunAsync("Swarm", _folder, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(reason, run.Error);
        Assert.DoesNotContain("Parameter", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.False(Directory.Exists(Path.Combine(_folder, "data")), "a refused run started the swarm");
    }

    [Fact]
    public async Task Help_names_the_cache_policies_as_ttl30_and_lru_and_is_exit_code_0()
    {
        var run = await ToolRun.RunAsync("Swarm", _folder, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("ttl30", run.Out);
        Assert.Contains("lru", run.Out);
    }
}
