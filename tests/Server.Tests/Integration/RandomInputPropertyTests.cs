using FsCheck.Xunit;
using Spotify.Rx.Testing;

namespace Spotify.Rx.Server.Tests.Integration;

/// <summary>
/// Whatever bytes a caller puts in a header or a body, the server's two HTTP doors answer with a
/// status below 500, and log no error.
/// </summary>
[Collection(ServerCollection.Name)]
public class RandomInputPropertyTests(ServerFixture server)
{
    private static readonly string[] ApiRequests =
        ["POST /auth/token", "GET /tracks", "GET /tracks/aurora-1", "GET /tracks/aurora-1/audio", "GET /tracks?q=a&page=2", "PUT /auth/token", "GET /.well-known/jwks.json"];
    private static readonly string[] AudioRequests =
        ["GET /tracks/aurora-1/audio", "HEAD /tracks/aurora-1/audio", "GET /tracks/aurora-1/audio?from=1", "POST /tracks/aurora-1/audio", "GET /elsewhere"];

    [Property(MaxTest = 150)]
    public bool The_api_never_answers_a_random_header_or_body_with_a_5xx(byte[] header, byte[] body, int pick, byte framing, bool withToken) =>
        NoServerError(server.BaseAddress.Port, ApiRequests, header, body, pick, framing, withToken);

    [Property(MaxTest = 150)]
    public bool The_sendfile_endpoint_never_answers_a_random_header_or_body_with_a_5xx(byte[] header, byte[] body, int pick, byte framing, bool withToken) =>
        NoServerError(server.AudioAddress.Port, AudioRequests, header, body, pick, framing, withToken);

    private bool NoServerError(int port, string[] requests, byte[] header, byte[] body, int pick, byte framing, bool withToken)
    {
        var (method, path) = Split(requests[(int)((uint)pick % requests.Length)]);
        var request = RawExchange.Request(method, path, withToken ? server.Token : null, header ?? [], body ?? [], (BodyFraming)(framing % 3));
        // Off the test's synchronization context: the property itself is synchronous.
        var status = Task.Run(() => RawExchange.StatusAsync(port, request, TimeSpan.FromSeconds(10))).GetAwaiter().GetResult();
        server.Errors.AssertEmpty("the server");
        Assert.True(status is < 500, $"status {status?.ToString() ?? "none: closed without an answer"}");
        return true;
    }

    private static (string, string) Split(string request) => (request[..request.IndexOf(' ')], request[(request.IndexOf(' ') + 1)..]);
}
