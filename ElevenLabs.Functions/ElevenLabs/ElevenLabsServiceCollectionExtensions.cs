using ElevenLabs.Functions.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace ElevenLabs.Functions.ElevenLabs;

public static class ElevenLabsServiceCollectionExtensions
{
    /// <summary>The typed ElevenLabs client: key handler outside, the standard resilience pipeline inside.</summary>
    public static IHostApplicationBuilder AddElevenLabs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ElevenLabsOptions>()
            .BindConfiguration(ElevenLabsOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ElevenLabsOptions>, ElevenLabsOptionsValidator>();

        builder.Services.AddTransient<ApiKeyHandler>();
        builder.Services.AddHttpClient<ElevenLabsClient>((sp, http) =>
            {
                var baseUrl = sp.GetRequiredService<IOptions<ElevenLabsOptions>>().Value.BaseUrl.ToString();
                http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns time-outs
            })
            // The factory's trace logging redacts header values in the message but not in its structured
            // state, where the key would reach any structured sink: this client logs for itself instead.
            .RemoveAllLoggers()
            .AddHttpMessageHandler<ApiKeyHandler>()
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) => Configure(resilience, sp.GetRequiredService<IOptions<ElevenLabsOptions>>().Value));
        return builder;
    }

    private static void Configure(HttpStandardResilienceOptions resilience, ElevenLabsOptions options)
    {
        // Retried: 408, 429, 5xx, connection failures and attempt time-outs (the standard handler's rule).
        resilience.AttemptTimeout.Timeout = options.Timeout;
        resilience.Retry.MaxRetryAttempts = Math.Max(1, options.MaxRetries);
        if (options.MaxRetries == 0)
        {
            resilience.Retry.ShouldHandle = _ => PredicateResult.False();
        }

        resilience.Retry.Delay = options.RetryBaseDelay;
        resilience.Retry.BackoffType = DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        resilience.Retry.ShouldRetryAfterHeader = false; // a long Retry-After goes back to the client instead
        var attempts = options.MaxRetries + 1;
        resilience.TotalRequestTimeout.Timeout = options.Timeout * attempts + options.RetryBaseDelay * Math.Pow(2, attempts) + TimeSpan.FromSeconds(1);
        var sampling = options.Timeout * 2;
        resilience.CircuitBreaker.SamplingDuration = sampling > TimeSpan.FromSeconds(30) ? sampling : TimeSpan.FromSeconds(30);
    }
}
