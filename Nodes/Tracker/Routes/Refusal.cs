namespace Spotify.Rx.Tracker.Routes;

/// <summary>A request the tracker will not serve, as a value: a status and the reason the caller reads.</summary>
public sealed record Refusal(int Status, string Reason)
{
    public static Refusal Unauthorized(string reason) => new(StatusCodes.Status401Unauthorized, reason);
    public static Refusal Forbidden(string reason) => new(StatusCodes.Status403Forbidden, reason);
    public static Refusal BadInput(string reason) => new(StatusCodes.Status400BadRequest, reason);
    public static Refusal NotFound(string reason) => new(StatusCodes.Status404NotFound, reason);
    public static Refusal Unavailable(string reason) => new(StatusCodes.Status503ServiceUnavailable, reason);

    /// <summary>Logged once here, counted, and answered as RFC 9457 problem details.</summary>
    public IResult ToResult(HttpContext http, TrackerMetrics metrics, ILogger log)
    {
        metrics.Refusals.WithLabels(Status.ToString()).Inc();
        log.LogInformation("Refused {Method} {Path} with {Status}: {Reason}", http.Request.Method, http.Request.Path, Status, Reason);
        if (Status == StatusCodes.Status401Unauthorized)
            http.Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{HeaderSafe(Reason)}\"";
        return TypedResults.Problem(detail: Reason, statusCode: Status, title: Title);
    }

    // A header value must be printable ASCII (RFC 9110 5.5) and this one sits inside a quoted string.
    private static string HeaderSafe(string text) =>
        string.Create(text.Length, text, (span, t) =>
        {
            for (var i = 0; i < t.Length; i++) span[i] = t[i] is >= ' ' and <= '~' and not '"' and not '\\' ? t[i] : '\'';
        });

    private string Title => Status switch
    {
        StatusCodes.Status400BadRequest => "Bad input",
        StatusCodes.Status401Unauthorized => "No valid token",
        StatusCodes.Status403Forbidden => "Not your peer id",
        StatusCodes.Status404NotFound => "Not registered",
        StatusCodes.Status413PayloadTooLarge => "Body too large",
        StatusCodes.Status429TooManyRequests => "Too many registrations",
        _ => "Tracker unavailable",
    };
}
