using System.Diagnostics;
using System.Reactive.Concurrency;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Playback.Tracks;
using Spotify.Rx.Wire;
using Spotify.Rx.Wire.Overlay;
using Spotify.Rx.Wire.Tracks;
using Spotify.Rx.WireBench;

// Issue 6 benchmark: one pair of clients on 127.0.0.1 moving a whole track in 16 KiB chunks with
// pipelined requests (every chunk verified against the manifest), against iperf3 on loopback in
// the same run; then the memory an idle connection costs.
var trackMb = Arg("--track-mb", 128);
var runs = Arg("--runs", 3);
var window = Arg("--window", 64);
var idleConnections = Arg("--idle", 200);
var iperfSeconds = Arg("--iperf-seconds", 5);

var issuer = new TokenIssuer(SigningKey.CreateEphemeral(), TimeProvider.System);
var validator = new TokenValidator(new StaticKeySource(issuer.Key), TimeProvider.System);

var measured = await Iperf.LoopbackAsync(iperfSeconds);
var iperf = measured?.BytesPerSecond;
Console.WriteLine(measured is { } m
    ? $"iperf3 loopback:        {Mb(m.BytesPerSecond),10:F0} MB/s  ({m.BytesPerSecond * 8 / 1e9:F1} Gbit/s), {m.Cores:F2} cores = {Mb(m.BytesPerSecond / m.Cores):F0} MB per CPU-second"
    : "iperf3 not found: install it (apt-get install -y iperf3) for the comparison");

var bytes = new byte[trackMb * 1024 * 1024];
new Random(42).NextBytes(bytes);
var manifest = MemoryTracks.ManifestFor("bench-track", bytes);
var held = new MemoryTracks();
held.Add(manifest, bytes);

await using (var uploader = await StartNode("uploader", held))
await using (var downloader = await StartNode("downloader", new MemoryTracks()))
{
    var peer = await downloader.ConnectAsync(uploader.Endpoint);
    await MoveTrack(downloader, peer, manifest, window); // warm-up: JIT, pools, TCP windows
    var rates = new List<double>();
    for (var run = 1; run <= runs; run++)
    {
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var gcBefore = GC.CollectionCount(0);
        var watch = Stopwatch.StartNew();
        var received = await MoveTrack(downloader, peer, manifest, window);
        watch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        if (!received.AsSpan().SequenceEqual(bytes)) throw new InvalidOperationException("the track arrived different");
        rates.Add(bytes.Length / watch.Elapsed.TotalSeconds);
        Console.WriteLine($"wire run {run}: {trackMb} MiB in {watch.Elapsed.TotalMilliseconds,7:F0} ms = {Mb(rates[^1]),8:F0} MB/s, {cpu.TotalMilliseconds,6:F0} ms CPU (both ends) = {Mb(bytes.Length / cpu.TotalSeconds),6:F0} MB per CPU-second, {GC.CollectionCount(0) - gcBefore} GCs");
    }
    rates.Sort();
    var median = rates[rates.Count / 2];
    Console.WriteLine($"wire protocol (median): {Mb(median),10:F0} MB/s  ({median * 8 / 1e9:F2} Gbit/s), {manifest.ChunkCount} chunks of 16 KiB, {window} requests in flight, SHA-256 checked");
    if (iperf is { } ceiling)
        Console.WriteLine($"wire / iperf3:          {median / ceiling,10:P1}  (target >= 25 %)");
}

await MeasureIdleConnections(idleConnections);

async Task<PeerNode> StartNode(string peerId, ICachedTracks tracks, int maxConnections = 60)
{
    var options = new PeerNodeOptions { Token = issuer.Issue("bench", peerId, TimeSpan.FromHours(1)), MaxConnections = maxConnections };
    var node = new PeerNode(options, validator, tracks, DefaultScheduler.Instance);
    await node.StartAsync();
    return node;
}

static async Task<byte[]> MoveTrack(PeerNode node, string peer, TrackManifest manifest, int inFlight)
{
    // inFlight fetchers share one cursor: each asks for the next chunk as soon as its last one arrived.
    var result = new byte[manifest.ByteLength];
    var next = -1;
    async Task Fetcher()
    {
        for (var index = Interlocked.Increment(ref next); index < manifest.ChunkCount; index = Interlocked.Increment(ref next))
        {
            var data = await node.FetchChunkAsync(peer, manifest, index);
            data.Span.CopyTo(result.AsSpan((int)manifest.ChunkRange(index).Start));
        }
    }
    await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(Fetcher)));
    return result;
}

async Task MeasureIdleConnections(int count)
{
    // All dialers exist before the baseline, so the difference is the connections alone (both ends live here).
    await using var hub = await StartNode("hub", new MemoryTracks(), maxConnections: count + 1);
    var dialers = new List<PeerNode>();
    for (var n = 0; n < count; n++) dialers.Add(await StartNode($"dialer-{n}", new MemoryTracks()));
    var heapBefore = ManagedHeap();
    foreach (var d in dialers) await d.ConnectAsync(hub.Endpoint);
    await Task.Delay(500); // let handshakes settle before sampling; no waiting on an outcome here
    var heapAfter = ManagedHeap();
    var ends = 2.0 * count;
    Console.WriteLine($"idle connections:       {count} pairs ({ends} ends) on 127.0.0.1, hub shows {hub.Snapshot().Links.Length}");
    // The working set is left out: a compacting GC moves it by megabytes either way, far more than the connections.
    Console.WriteLine($"memory per idle end:    {(heapAfter - heapBefore) / ends / 1024,10:F1} KiB managed heap (no pipe buffer is held while idle)");
    foreach (var d in dialers) await d.DisposeAsync();
}

static long ManagedHeap()
{
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    return GC.GetTotalMemory(forceFullCollection: true);
}

static double Mb(double bytesPerSecond) => bytesPerSecond / 1e6;

int Arg(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var v) ? v : fallback;
}
