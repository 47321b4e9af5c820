using Spotify.Rx.Testing;

namespace Spotify.Rx.Client.Tests.Cli;

/// <summary>
/// The client executable's failures, as a user meets them: one line on stderr naming what is wrong,
/// exit code 1 for a failure and 2 for bad usage, never a stack trace.
/// </summary>
public sealed class CliErrorTests(CliNodes nodes) : IClassFixture<CliNodes>
{
    private static readonly TimeSpan Exit = TimeSpan.FromSeconds(30);

    private static async Task<ClientProcess> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var p = ClientProcess.Start(args, environment);
        p.CloseInput();
        await p.ExitAsync(Exit);
        return p;
    }

    private static async Task AssertOneLineAsync(ClientProcess p, int exitCode, params string[] contains)
    {
        Assert.Equal(exitCode, await p.ExitAsync(Exit));
        var line = Assert.Single(p.Err, l => l.Trim().Length > 0);
        foreach (var text in contains) Assert.Contains(text, line);
        Assert.DoesNotContain(p.Out.Concat(p.Err), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Exception:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tracks")]
    [InlineData("run")]
    [InlineData("play")]
    public async Task An_unreachable_server_is_one_line_naming_its_URL_and_exit_code_1(string command)
    {
        var url = $"http://127.0.0.1:{FreePort.Get()}";
        string[] args = command == "play" ? ["play", "some-track", "--server", url] : [command, "--server", url];
        await using var p = await RunAsync(args);
        await AssertOneLineAsync(p, 1, url, "cannot reach");
    }

    [Fact]
    public async Task The_server_from_the_environment_is_the_one_named()
    {
        var url = $"http://127.0.0.1:{FreePort.Get()}";
        await using var p = await RunAsync(["tracks"], new Dictionary<string, string> { ["Client__Server"] = url });
        await AssertOneLineAsync(p, 1, url);
    }

    [Fact]
    public async Task The_server_from_a_configuration_argument_is_the_one_named()
    {
        var url = $"http://127.0.0.1:{FreePort.Get()}";
        await using var p = await RunAsync(["tracks", $"--Client:Server={url}"]);
        await AssertOneLineAsync(p, 1, url);
    }

    [Fact]
    public async Task The_log_file_gets_the_whole_exception_while_the_terminal_gets_one_line()
    {
        var url = $"http://127.0.0.1:{FreePort.Get()}";
        var log = Path.Combine(TestLibrary.TempFolder("client-log"), "client.log");
        await using var p = await RunAsync(["tracks", "--server", url, "--log", log]);
        await AssertOneLineAsync(p, 1, url);
        var logged = await File.ReadAllTextAsync(log);
        Assert.Contains("FlurlHttpException", logged);
        Assert.Contains("   at ", logged);
    }

    [Fact]
    public async Task A_wrong_password_from_the_environment_is_a_refused_login_and_exit_code_1()
    {
        await using var p = await RunAsync(["tracks", "--server", nodes.ServerUrl.ToString()], new Dictionary<string, string> { ["Client__Password"] = "not-the-password" });
        await AssertOneLineAsync(p, 1, "login refused", nodes.ServerUrl.ToString().TrimEnd('/'));
    }

    [Fact]
    public async Task The_password_from_the_environment_logs_in()
    {
        await using var p = await RunAsync(["tracks", "--server", nodes.ServerUrl.ToString(), "--password", "wrong"], new Dictionary<string, string> { ["Client__Password"] = "demo" });
        // The option wins over the environment: refused. Without the option the environment's password is used.
        Assert.Equal(1, await p.ExitAsync(Exit));
        await using var ok = await RunAsync(["tracks", "--server", nodes.ServerUrl.ToString()], new Dictionary<string, string> { ["Client__Password"] = "demo" });
        Assert.Equal(0, await ok.ExitAsync(Exit));
        Assert.Contains(ok.Out, l => l.Contains(nodes.Library.Tracks[0].Id, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1", "expected HOST:PORT")]
    [InlineData("127.0.0.1:99999", "the port must be a number from 1 to 65535")]
    [InlineData("127.0.0.1:x", "the port must be a number from 1 to 65535")]
    [InlineData("no host:7100", "neither an IP address nor a host name")]
    public async Task A_malformed_neighbour_is_refused_at_start_with_the_reason_and_exit_code_2(string neighbour, string reason)
    {
        // The server is unreachable on purpose: the neighbour is refused before any login is tried.
        await using var p = await RunAsync(["run", "--neighbour", neighbour, "--server", $"http://127.0.0.1:{FreePort.Get()}"]);
        await AssertOneLineAsync(p, 2, "--neighbour", reason);
    }

    [Theory]
    [InlineData(new[] { "run", "--cache", "Expire30s" }, "Expire30s")]
    [InlineData(new[] { "play", "x", "--speed", "0" }, "--speed")]
    [InlineData(new[] { "play", "x", "--sink", "loud" }, "unknown sink 'loud'")]
    [InlineData(new[] { "run", "--server", "ftp://example" }, "--server 'ftp://example'")]
    [InlineData(new[] { "run", "--bogus" }, "--bogus")]
    [InlineData(new string[0], "Required command")]
    public async Task Bad_usage_is_exit_code_2_with_the_reason(string[] args, string reason)
    {
        await using var p = await RunAsync(args);
        Assert.Equal(2, await p.ExitAsync(Exit));
        Assert.Contains(p.Err, l => l.Contains(reason, StringComparison.Ordinal));
        Assert.DoesNotContain(p.Err, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("run --help")]
    [InlineData("play --help")]
    public async Task Help_is_exit_code_0(string args)
    {
        await using var p = await RunAsync(args.Split(' '));
        Assert.Equal(0, await p.ExitAsync(Exit));
        Assert.Contains(p.Out, l => l.Contains("Usage:", StringComparison.Ordinal));
        Assert.Empty(p.Err);
    }
}
