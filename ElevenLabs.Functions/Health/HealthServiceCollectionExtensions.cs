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
