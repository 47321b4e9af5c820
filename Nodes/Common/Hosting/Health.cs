using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace Spotify.Rx.Common.Hosting;

/// <summary>
/// The health endpoints both nodes serve, for an orchestrator or a load balancer:
/// <c>/healthz/live</c> answers 200 while the process serves HTTP at all (restart it when not);
/// <c>/healthz/ready</c> runs the checks tagged <see cref="Ready"/> (the library is loaded, the store
/// answers) and answers 503 while one fails (send it no traffic); <c>/healthz</c> runs every check.
/// </summary>
public static class Health
{
    public const string Ready = "ready";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz");
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
        return app;
    }
}
