using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ElevenLabs.Functions.Limits;

public static class LimitsServiceCollectionExtensions
{
    /// <summary>Per-caller rates (this instance) and the daily quota (all instances; its counter comes with the session store).</summary>
    public static IHostApplicationBuilder AddLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(RateLimitOptions.Section);
        builder.Services.AddValidatedOptions<QuotaOptions, QuotaOptionsValidator>(QuotaOptions.Section);
        builder.Services.AddSingleton<CallerRateLimiter>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddTransient<DailyQuota>(); // its counter may be a typed HttpClient: not a singleton
        return builder;
    }

    /// <summary>Daily counts in this process, for the in-memory session store.</summary>
    public static IHostApplicationBuilder AddInMemoryUsageCounter(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IUsageCounter, InMemoryUsageCounter>();
        return builder;
    }
}
