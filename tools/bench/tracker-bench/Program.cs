using System.Net.Http.Headers;
using System.Net.Http.Json;
using Spotify.Rx.Common.Auth;
using Spotify.Rx.Common.Contracts;

// The tracker benchmark needs what the main server would give it: a published public key and
// tokens signed with it. Starting the real server would mean generating a music library first,
// so this helper holds an ephemeral key file instead.
//
//   jwks     --key FILE --port P                          serve /.well-known/jwks.json until killed
//   populate --key FILE --tracker URL --tracks N --peers K --token-out FILE
//            registers K peers (own tokens) on each of tracks bench-0..N-1, writes a listener's token

var command = args.FirstOrDefault();
string Arg(string name, string? fallback = null) =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback ?? throw new ArgumentException($"{name} is required");

var issuer = new TokenIssuer(SigningKey.LoadOrCreate(Arg("--key")), TimeProvider.System);
switch (command)
{
    case "jwks":
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Arg("--port")}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var jwks = issuer.JwksJson();
        app.MapGet("/.well-known/jwks.json", () => Results.Text(jwks, "application/json"));
        await app.RunAsync();
        return 0;

    case "populate":
        var tracker = new Uri(Arg("--tracker").TrimEnd('/') + "/");
        var tracks = int.Parse(Arg("--tracks", "1000"));
        var peers = int.Parse(Arg("--peers", "20"));
        using (var http = new HttpClient { BaseAddress = tracker })
        {
            var tokens = Enumerable.Range(0, peers).Select(p => issuer.Issue($"bench-user-{p}", $"bench-peer-{p}", TimeSpan.FromHours(2))).ToArray();
            var registrations = Enumerable.Range(0, tracks).SelectMany(t => Enumerable.Range(0, peers).Select(p => (t, p)));
            await Parallel.ForEachAsync(registrations, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (r, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, $"tracks/bench-{r.t}/peers/bench-peer-{r.p}")
                {
                    Content = JsonContent.Create(new PeerRegistration($"10.{r.p}.{r.t / 250}.{r.t % 250 + 1}:{40000 + r.p}")),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[r.p]);
                using var response = await http.SendAsync(request, ct);
                response.EnsureSuccessStatusCode();
            });
        }
        File.WriteAllText(Arg("--token-out"), issuer.Issue("bench-listener", "bench-listener", TimeSpan.FromHours(2)));
        Console.WriteLine($"registered {peers} peers on each of {tracks} tracks at {tracker}");
        return 0;

    default:
        Console.Error.WriteLine("usage: jwks --key FILE --port P | populate --key FILE --tracker URL --tracks N --peers K --token-out FILE");
        return 2;
}
