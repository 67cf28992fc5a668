using System.Net;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.ElevenLabs;

public static class ElevenLabsServiceCollectionExtensions
{
    /// <summary>The typed ElevenLabs client: key handler outside, the dependency pipeline inside (with ElevenLabs' limiter and breaker).</summary>
    public static IHostApplicationBuilder AddElevenLabs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ElevenLabsOptions, ElevenLabsOptionsValidator>(ElevenLabsOptions.Section);

        builder.Services.AddTransient<ApiKeyHandler>();
        builder.Services.AddHttpClient<ElevenLabsClient>((sp, http) =>
            {
                var baseUrl = sp.GetRequiredService<IOptions<ElevenLabsOptions>>().Value.BaseUrl.ToString();
                http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
            })
            .AddHttpMessageHandler<ApiKeyHandler>()
            .AddDependencyResilience<ElevenLabsOptions>(Configure);
        return builder;
    }

    /// <summary>How long an open circuit refuses calls (and the <c>Retry-After</c> its 503 carries).</summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);

    /// <summary>The circuit opens only when at least this share of the sampled attempts failed...</summary>
    public const double BreakFailureRatio = 0.5;

    /// <summary>...and at least this many attempts were sampled (each create is up to <c>MaxRetries</c> + 1 attempts).</summary>
    public const int BreakMinimumThroughput = 20;

    private static void Configure(HttpStandardResilienceOptions resilience, ElevenLabsOptions options)
    {
        // The concurrency limiter, outermost: at most MaxConcurrentCalls calls in flight from this instance, none
        // queued. A call over the limit fails at once (503 elevenlabs_busy) instead of waiting behind calls that may
        // take MaxRetries + 1 time-outs.
        resilience.RateLimiter.DefaultRateLimiterOptions.PermitLimit = options.MaxConcurrentCalls;
        resilience.RateLimiter.DefaultRateLimiterOptions.QueueLimit = 0;

        // The breaker: only an outage opens it (half of 20 or more attempts in the window failed with a 5xx, 408, a
        // time-out or no connection), never a few failures; a 429 is ElevenLabs up and busy, answered with its own
        // Retry-After, so it does not count. Open, it refuses calls for BreakDuration, then one call probes.
        resilience.CircuitBreaker.FailureRatio = BreakFailureRatio;
        resilience.CircuitBreaker.MinimumThroughput = BreakMinimumThroughput;
        resilience.CircuitBreaker.BreakDuration = BreakDuration;
        resilience.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(
            HttpClientResiliencePredicates.IsTransient(args.Outcome) && args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests);
    }
}
