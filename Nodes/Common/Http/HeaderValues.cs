using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Spotify.Rx.Common.Http;

/// <summary>
/// Refuses a request whose header values hold a control character (RFC 9110 §5.5: a field value is
/// visible characters, SP and HTAB). Kestrel itself refuses only NUL, CR and LF; the sendfile audio
/// endpoint refuses them all, so every HTTP door of the nodes answers such a request alike: 400 with the
/// header's name, logged at Information.
/// </summary>
public static class HeaderValues
{
    private static readonly SearchValues<char> Controls = SearchValues.Create(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f");

    /// <summary>The name of the first header whose value holds a control character, or null.</summary>
    public static string? WithControlCharacter(IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
            foreach (var value in values)
                if (value is not null && value.AsSpan().ContainsAny(Controls)) return name;
        return null;
    }

    /// <summary>Adds the check in front of every route.</summary>
    public static IApplicationBuilder UseHeaderValueCheck(this IApplicationBuilder app, ILogger log) =>
        app.Use(async (http, next) =>
        {
            if (WithControlCharacter(http.Request.Headers) is { } name)
            {
                var reason = $"header '{name}' holds a control character";
                log.LogInformation("Refused {Method} {Path} with 400: {Reason}", http.Request.Method, http.Request.Path, reason);
                http.Response.Headers.Connection = "close";
                await Results.Problem(detail: reason, statusCode: StatusCodes.Status400BadRequest, title: "Bad request").ExecuteAsync(http);
                return;
            }
            await next(http);
        });
}
