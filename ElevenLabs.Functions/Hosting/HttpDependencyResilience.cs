using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace ElevenLabs.Functions.Hosting;

/// <summary>
/// The one way an HTTP dependency's client is made resilient: no loggers (the factory's trace log would carry its
/// credentials in the structured state), no client time-out (the pipeline owns them), and the standard resilience
/// pipeline set from the dependency's own settings (<c>Timeout</c>, <c>MaxRetries</c>, <c>RetryBaseDelay</c>).
/// </summary>
public static class HttpDependencyResilience
{
    /// <summary>
    /// Each attempt bounded by the <typeparamref name="TOptions"/> time-out, retried <c>MaxRetries</c> times (exponential from
    /// <c>RetryBaseDelay</c>, with jitter, not waiting out a <c>Retry-After</c>: a long one goes back to the client) on
    /// 408, 429, 5xx, connection failures and attempt time-outs, the whole bounded by every attempt and every delay;
    /// the breaker samples 30 s or two attempts. <paramref name="configure"/> then adds what the dependency has of its own.
    /// </summary>
    public static IHttpClientBuilder AddDependencyResilience<TOptions>(
        this IHttpClientBuilder client, Action<HttpStandardResilienceOptions, TOptions>? configure = null)
        where TOptions : class, IHttpDependencyOptions
    {
        ArgumentNullException.ThrowIfNull(client);
        client.ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
        client.RemoveAllLoggers();
        client.AddStandardResilienceHandler().Configure((resilience, sp) =>
        {
            TOptions options;
            try
            {
                options = sp.GetRequiredService<IOptions<TOptions>>().Value;
            }
            catch (OptionsValidationException)
            {
                return; // the settings' own start-up check reports it, with every other wrong setting, once
            }

            var (timeout, maxRetries, retryBaseDelay) = (options.Timeout, options.MaxRetries, options.RetryBaseDelay);
            resilience.AttemptTimeout.Timeout = timeout;
            resilience.Retry.MaxRetryAttempts = Math.Max(1, maxRetries); // the handler's minimum: none is a predicate that never retries
            if (maxRetries == 0)
            {
                resilience.Retry.ShouldHandle = _ => PredicateResult.False();
            }

            resilience.Retry.Delay = retryBaseDelay;
            resilience.Retry.BackoffType = DelayBackoffType.Exponential;
            resilience.Retry.UseJitter = true;
            resilience.Retry.ShouldRetryAfterHeader = false;
            var attempts = maxRetries + 1;
            resilience.TotalRequestTimeout.Timeout = timeout * attempts + retryBaseDelay * Math.Pow(2, attempts) + TimeSpan.FromSeconds(1);
            var twoAttempts = timeout * 2;
            resilience.CircuitBreaker.SamplingDuration = twoAttempts > TimeSpan.FromSeconds(30) ? twoAttempts : TimeSpan.FromSeconds(30);
            configure?.Invoke(resilience, options);
        });
        return client;
    }
}

/// <summary>The settings every HTTP dependency has (<c>{Section}:Timeout</c>, <c>:MaxRetries</c>, <c>:RetryBaseDelay</c>): what its pipeline is made from.</summary>
public interface IHttpDependencyOptions
{
    /// <summary>The bounds every dependency's <c>Timeout</c> is held to (one attempt) and its <c>RetryBaseDelay</c>'s upper one.</summary>
    const string MinTimeout = "00:00:00.1", MaxTimeout = "00:01:00", MaxRetryBaseDelay = "00:00:10";

    /// <summary>One attempt's time-out.</summary>
    TimeSpan Timeout { get; }

    /// <summary>How many times a transient failure is retried.</summary>
    int MaxRetries { get; }

    /// <summary>The first retry's delay; then exponential with jitter.</summary>
    TimeSpan RetryBaseDelay { get; }
}
