namespace Spotify.Rx.Tools.Tests;

/// <summary>tools/Library as a user meets it: help, clear refusals with exit code 2, failures with 1.</summary>
public sealed class LibraryCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spotify-rx-library-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<ToolRun> Library(params string[] args) => ToolRun.RunAsync("Library", _folder, args);

    [Theory]
    [InlineData("--help")]
    [InlineData("generate", "--help")]
    [InlineData("import", "--help")]
    public async Task Help_is_exit_code_0_and_generates_nothing(params string[] args)
    {
        var run = await Library(args);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Out);
        Assert.False(Directory.Exists(Path.Combine(_folder, "data")), "help started generating the library");
    }

    [Theory]
    [InlineData("Cannot parse argument 'x' for option '--count'", "generate", "--count", "x")]
    [InlineData("--count must be at least 1, not 0", "generate", "--count", "0")]
    [InlineData("Unrecognized command or argument '--frobnicate'", "generate", "--frobnicate")]
    [InlineData("--complexity must be between 0 and 10, not 11", "generate", "--complexity", "11")]
    [InlineData("--max-seconds (5) must be at least --min-seconds (10)", "generate", "--min-seconds", "10", "--max-seconds", "5")]
    [InlineData("no folder '/nonexistent-music'", "import", "/nonexistent-music")]
    [InlineData("Required argument 'folder' missing", "import")]
    [InlineData("say which command: generate or import")]
    public async Task Bad_usage_is_exit_code_2_with_the_reason_and_no_stack_trace(string reason, params string[] args)
    {
        var run = await Library(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(reason, run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.False(Directory.Exists(Path.Combine(_folder, "data")));
    }

    [Fact]
    public async Task A_library_folder_that_cannot_be_written_is_exit_code_1_in_one_line()
    {
        var run = await Library("generate", "--count", "1", "--min-seconds", "1", "--max-seconds", "1", "--out", "/proc/spotify-rx-library");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Library: ", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Generate_with_options_writes_the_tracks_and_is_exit_code_0()
    {
        var run = await Library("generate", "--count", "1", "--min-seconds", "2", "--max-seconds", "2", "--seed", "7", "--out", "lib");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("1 tracks", run.Out);
        Assert.Single(Directory.GetFiles(Path.Combine(_folder, "lib"), "*.opus"));
    }
}
