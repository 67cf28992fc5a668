using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Limits;

public static class LimitsServiceCollectionExtensions
{
    /// <summary>Per-caller rates (this instance) and the daily quota (all instances; its count is kept by the session store).</summary>
    public static IHostApplicationBuilder AddLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(RateLimitOptions.Section);
        builder.Services.AddValidatedOptions<QuotaOptions, QuotaOptionsValidator>(QuotaOptions.Section);
        builder.Services.AddSingleton<CallerRateLimiter>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DailyQuota>(); // remembers the callers who used up today's quota on this instance
        return builder;
    }
}
