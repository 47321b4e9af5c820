using System.Diagnostics;
using System.Net;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Testing;
using Spotify.Rx.Tracker.Tests.Support;

namespace Spotify.Rx.Tracker.Tests.Http;

/// <summary>The tracker as its own executable (Program.cs), the way a user starts it.</summary>
public sealed class TrackerProcessTests
{
    [Fact]
    public async Task The_tracker_executable_starts_from_the_command_line_and_serves_peers()
    {
        var issuer = new TokenIssuer(SigningKey.CreateEphemeral(), TimeProvider.System);
        await using var jwks = await JwksHost.StartAsync(issuer);
        var url = $"http://127.0.0.1:{FreePort.Get()}";
        var dll = Path.Combine(AppContext.BaseDirectory, "Spotify.Rx.Tracker.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll, "--urls", url, $"--Tracker:JwksUrl={jwks.JwksUrl}" }) start.ArgumentList.Add(arg);

        using var tracker = Process.Start(start)!;
        try
        {
            var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            tracker.OutputDataReceived += (_, line) => { if (line.Data?.Contains("Now listening on") == true) listening.TrySetResult(); };
            tracker.BeginOutputReadLine();
            tracker.BeginErrorReadLine();
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));

            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal("Healthy", await http.GetStringAsync("/healthz/ready"));
            var node = new[] { "alice", "bob" }.ToDictionary(p => p, p => issuer.Issue("user-" + p, p, TimeSpan.FromMinutes(5)));
            using var put = new HttpRequestMessage(HttpMethod.Put, "/tracks/t1/peers/alice")
            {
                Content = new StringContent("""{"endpoint":"127.0.0.1:41000"}""", System.Text.Encoding.UTF8, "application/json"),
                Headers = { Authorization = new("Bearer", node["alice"]) },
            };
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(put)).StatusCode);
            using var get = new HttpRequestMessage(HttpMethod.Get, "/tracks/t1/peers") { Headers = { Authorization = new("Bearer", node["bob"]) } };
            var body = await (await http.SendAsync(get)).Content.ReadAsStringAsync();
            Assert.Equal("""{"trackId":"t1","peers":[{"peerId":"alice","endpoint":"127.0.0.1:41000"}]}""", body);
        }
        finally
        {
            tracker.Kill(entireProcessTree: true);
            await tracker.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
