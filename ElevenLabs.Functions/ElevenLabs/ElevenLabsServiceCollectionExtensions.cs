using System.Net;
using ElevenLabs.Functions.Hosting;
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
        builder.Services.AddValidatedOptions<ElevenLabsOptions, ElevenLabsOptionsValidator>(ElevenLabsOptions.Section);

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

    /// <summary>How long an open circuit refuses calls (and the <c>Retry-After</c> its 503 carries).</summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);

    /// <summary>The circuit opens only when at least this share of the sampled attempts failed...</summary>
    public const double BreakFailureRatio = 0.5;

    /// <summary>...and at least this many attempts were sampled (each create is up to <c>MaxRetries</c> + 1 attempts).</summary>
    public const int BreakMinimumThroughput = 20;

    /// <summary>The window the breaker samples: 30 s, or two attempt time-outs if longer (the handler requires that).</summary>
    public static TimeSpan BreakSamplingDuration(ElevenLabsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var twoAttempts = options.Timeout * 2;
        return twoAttempts > TimeSpan.FromSeconds(30) ? twoAttempts : TimeSpan.FromSeconds(30);
    }

    private static void Configure(HttpStandardResilienceOptions resilience, ElevenLabsOptions options)
    {
        // The concurrency limiter, outermost: at most MaxConcurrentCalls calls in flight from this instance, none
        // queued. A call over the limit fails at once (503 elevenlabs_busy) instead of waiting behind calls that may
        // take MaxRetries + 1 time-outs.
        resilience.RateLimiter.DefaultRateLimiterOptions.PermitLimit = options.MaxConcurrentCalls;
        resilience.RateLimiter.DefaultRateLimiterOptions.QueueLimit = 0;

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

        // The breaker: only an outage opens it (half of 20 or more attempts in the window failed with a 5xx, 408, a
        // time-out or no connection), never a few failures; a 429 is ElevenLabs up and busy, answered with its own
        // Retry-After, so it does not count. Open, it refuses calls for BreakDuration, then one call probes.
        resilience.CircuitBreaker.FailureRatio = BreakFailureRatio;
        resilience.CircuitBreaker.MinimumThroughput = BreakMinimumThroughput;
        resilience.CircuitBreaker.SamplingDuration = BreakSamplingDuration(options);
        resilience.CircuitBreaker.BreakDuration = BreakDuration;
        resilience.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(
            HttpClientResiliencePredicates.IsTransient(args.Outcome) && args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests);
    }
}
