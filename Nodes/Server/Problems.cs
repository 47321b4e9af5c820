using Microsoft.AspNetCore.Mvc;

namespace Spotify.Rx.Server;

/// <summary>Every refusal is an RFC 9457 problem document whose <c>detail</c> gives the reason.</summary>
public static class Problems
{
    public static IResult Of(int status, string title, string reason) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Title = title, Detail = reason });

    public static IResult BadRequest(string reason) => Of(StatusCodes.Status400BadRequest, "Bad request", reason);
    public static IResult NotFound(string reason) => Of(StatusCodes.Status404NotFound, "Not found", reason);

    public static IResult Forbidden(string reason) => Of(StatusCodes.Status403Forbidden, "Forbidden", reason);

    public static IResult Unauthorized(string reason) => Of(StatusCodes.Status401Unauthorized, "Unauthorized", reason);
}
