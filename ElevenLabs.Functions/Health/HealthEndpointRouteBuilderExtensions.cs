using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ElevenLabs.Functions.Health;

public static class HealthEndpointRouteBuilderExtensions
{
    /// <summary>The readiness route on Kestrel (under the Functions host, <see cref="ReadinessFunction"/> serves it).</summary>
    public static IEndpointRouteBuilder MapReadinessEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/" + ReadinessEndpoint.Route,
            (HttpContext context, ReadinessEndpoint endpoint) => endpoint.HandleAsync(context, context.RequestAborted))
            .WithName(ReadinessFunction.Name);
        return endpoints;
    }
}
