using System.Reactive.Concurrency;
using System.Text.Json;
using Spotify.Rx.Client.Http;
using Spotify.Rx.Playback.Library;
using Spotify.Rx.Swarm.Hosts;
using Spotify.Rx.Testing;
using Xunit.Abstractions;

namespace Spotify.Rx.Hosts.Tests;

/// <summary>
/// Server, tracker and three clients, each on its own host (a network namespace on one bridge, client
/// uplinks capped with tbf), running the real executables. Peers must find and dial each other by
/// the hosts' addresses, survive a seeder's kill -9, and serve from a disk cache after a restart.
/// </summary>
public sealed class MultiHostSwarmTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(45);
    private const string Speed = "4";

    private static readonly (string Name, int Host)[] Hosts = [("server", 10), ("tracker", 11), ("c1", 21), ("c2", 22), ("c3", 23)];
    private const string Prefix = "srx-ovl-";
    private static readonly string Subnet = Lan.SubnetFor("10.77");
    private static string Address(string host) => $"{Subnet}.{Hosts.Single(h => h.Name == host).Host}";
    private static readonly string ServerUrl = $"http://{Address("server")}:5080";
    private static readonly string TrackerUrl = $"http://{Address("tracker")}:7070";

    [SkippableFact]
    public async Task Peers_on_different_hosts_share_a_track_survive_a_killed_seeder_and_serve_from_a_disk_cache_after_a_restart()
    {
        var unavailable = Lan.Unavailable(Prefix);
        if (unavailable is not null && string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail("CI must run the multi-host test, but " + unavailable);
        Skip.If(unavailable is not null, unavailable);

        var work = TestLibrary.TempFolder("hosts");
        // Long enough that most of it is past the 15 s the server sends first; 160 kbit/s, so ~1.2 MB.
        var library = await SampleLibrary.EnsureAsync(Path.Combine(work, "library"),
            new SampleLibraryOptions { Count = 2, Seed = 12, MinLength = TimeSpan.FromSeconds(60), MaxLength = TimeSpan.FromSeconds(60) });
        var track = library.Tracks[0].Id;
        var other = library.Tracks[1].Id;
        var original = await File.ReadAllBytesAsync(Path.Combine(work, "library", track + ".opus"));

        using var lan = Lan.Create(Prefix, "10.77", Hosts, withOwnEnd: true);
        var processes = new List<HostProcess>();
        HostProcess Run(string host, string dll, params string[] args)
        {
            var p = HostProcess.Start(lan.NamespaceOf(host), host, dll, work, args);
            lock (processes) processes.Add(p);
            return p;
        }
        HostProcess Client(string host, string trackId, params string[] extra) => Run(host, "Spotify.Rx.Client.dll",
            ["play", trackId, "--server", ServerUrl, "--tracker", TrackerUrl, "--peer-id", host, "--speed", Speed, "--json", .. extra]);

        try
        {
            // A seeder's uplink well above the 4x play rate (80 kB/s), yet slow enough that a whole track takes seconds.
            lan.CapUplink("c1", 1500);
            lan.CapUplink("c2", 1500);
            lan.CapUplink("c3", 1500);

            var server = Run("server", "Spotify.Rx.Server.dll", "--urls", "http://0.0.0.0:5080", "--Server:AudioUrl=http://0.0.0.0:5081", "--Server:DemoAccount=true",
                $"--Server:LibraryFolder={Path.Combine(work, "library")}", $"--Server:SigningKeyFile={Path.Combine(work, "server-signing.pem")}");
            var tracker = Run("tracker", "Spotify.Rx.Tracker.dll", "--urls", "http://0.0.0.0:7070",
                $"--Tracker:JwksUrl={ServerUrl}/.well-known/jwks.json");
            await server.LineAsync(l => l.Contains("Now listening on"), Step, "server start");
            await tracker.LineAsync(l => l.Contains("Now listening on"), Step, "tracker start");

            // 1. c1 plays the track from the server, keeps it in its disk cache and stays to seed.
            var c1Cache = Path.Combine(work, "c1-cache");
            var c1 = Client("c1", track, "--cache", "lru", "--cache-dir", c1Cache, "--stay");
            await c1.EventAsync("rule", Step, e => e.GetProperty("kind").GetString() == "cache" && e.GetProperty("detail").GetString()!.Contains("registered"));
            await c1.EventAsync("seeding", Step);

            // The tracker recorded c1 at its host's address, not 127.0.0.1 or 0.0.0.0.
            var recorded = await RecordedEndpoints(track);
            output.WriteLine("tracker: " + string.Join(", ", recorded.Select(p => $"{p.PeerId}@{p.Endpoint}")));
            Assert.StartsWith(Address("c1") + ":", Assert.Single(recorded, p => p.PeerId == "demo.c1").Endpoint);

            // 2. c2, on another host, gets most of the track from c1.
            var c2 = Client("c2", track);
            var c2Play = await c2.EventAsync("played", Step);
            output.WriteLine("c2: " + c2Play);
            Assert.True(c2Play.GetProperty("peerBytes").GetInt64() > c2Play.GetProperty("serverBytes").GetInt64(),
                $"c2 should get most bytes from c1 on another host: {c2Play}\n{c2.Output()}\n{c1.Output()}");
            Assert.Equal(0, await c2.ExitAsync(Step));

            // 3. c3 downloads from c1; c1 is killed (-9) while the transfer runs. c3 does not stutter and ends byte-exact.
            // Just above the play rate now, so the transfer to c3 runs for several seconds: long enough to kill c1 in it.
            lan.CapUplink("c1", 1000);
            var c3Cache = Path.Combine(work, "c3-cache");
            var c3 = Client("c3", track, "--cache", "lru", "--cache-dir", c3Cache);
            var during = await c3.EventAsync("status", Step, e => e.GetProperty("peerBytes").GetInt64() > 0);
            c1.KillHard();
            output.WriteLine($"c1 killed when c3 had {during.GetProperty("peerBytes").GetInt64()} bytes from peers");
            var c3Play = await c3.EventAsync("played", Step);
            output.WriteLine("c3: " + c3Play);
            Assert.True(during.GetProperty("peerBytes").GetInt64() < original.Length / 2, $"the transfer from c1 was still running: {during}");
            Assert.Equal(0, c3Play.GetProperty("stutters").GetInt32());
            Assert.Equal(0, await c3.ExitAsync(Step));
            Assert.Equal(original, await File.ReadAllBytesAsync(Path.Combine(c3Cache, track + ".opus")));

            // 4. c1 comes back with its disk cache: it offers the track again, and c2 gets it from there.
            var c1Again = Client("c1", other, "--at", "50", "--cache", "lru", "--cache-dir", c1Cache, "--stay");
            var up = await c1Again.EventAsync("up", Step);
            Assert.Contains(track, up.GetProperty("cached").EnumerateArray().Select(e => e.GetString()));
            await c1Again.EventAsync("seeding", Step);
            var c2Again = Client("c2", track);
            var c2AgainPlay = await c2Again.EventAsync("played", Step);
            output.WriteLine("c2 after c1's restart: " + c2AgainPlay);
            Assert.True(c2AgainPlay.GetProperty("peerBytes").GetInt64() > 0, $"c1's disk cache served nothing: {c2AgainPlay}\n{c1Again.Output()}");
            Assert.Equal(0, await c2Again.ExitAsync(Step));
        }
        catch
        {
            lock (processes) foreach (var p in processes) output.WriteLine(p.Output(60));
            throw;
        }
        finally
        {
            lock (processes) foreach (var p in processes) p.Dispose();
        }
    }

    /// <summary>What the tracker hands out for <paramref name="trackId"/>, asked from the test's end of the LAN.</summary>
    private static async Task<IReadOnlyList<Common.Contracts.PeerInfo>> RecordedEndpoints(string trackId)
    {
        using var server = new ServerClient(new Uri(ServerUrl), "demo", "demo", "observer", Scheduler.Default);
        using var tracker = new TrackerClient(new Uri(TrackerUrl), server.Auth);
        return (await tracker.PeersAsync(trackId)).Peers;
    }
}
