using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>The readiness answer: its checks (in the answer's order), the probe that runs and keeps them, the endpoint.</summary>
    public static IHostApplicationBuilder AddReadiness(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<ReadinessOptions>().BindConfiguration(ReadinessOptions.Section); // a bool: binding validates it
        builder.Services.AddTransient<IReadinessCheck, SecretsReadinessCheck>();
        builder.Services.AddTransient<IReadinessCheck, FirestoreReadinessCheck>();
        builder.Services.AddTransient<IReadinessCheck, ElevenLabsReadinessCheck>();
        builder.Services.AddSingleton<ElevenLabsWebhookStatus>();
        builder.Services.AddSingleton<ReadinessProbe>();
        builder.Services.AddTransient<ReadinessEndpoint>();
        return builder;
    }
}

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
