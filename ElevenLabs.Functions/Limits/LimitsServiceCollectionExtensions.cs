using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Limits;

public static class LimitsServiceCollectionExtensions
{
    /// <summary>Per-caller rates, per instance.</summary>
    public static IHostApplicationBuilder AddLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(RateLimitOptions.Section);
        builder.Services.AddSingleton<CallerRateLimiter>();
        return builder;
    }
}
