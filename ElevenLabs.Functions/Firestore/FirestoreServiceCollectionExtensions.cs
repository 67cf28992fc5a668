using ElevenLabs.Functions.GoogleAuth;
using ElevenLabs.Functions.Hosting;
using ElevenLabs.Functions.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ElevenLabs.Functions.Firestore;

public static class FirestoreServiceCollectionExtensions
{
    /// <summary>The Firestore session store (with the daily quota's counts): auth handler (key, or workload identity federation) inside the dependency pipeline, whose retries follow Firestore's transient statuses.</summary>
    public static IHostApplicationBuilder AddFirestoreSessionStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<FirestoreOptions, FirestoreOptionsValidator>(FirestoreOptions.Section)
            .Configure<IConfiguration>((o, configuration) => o.UseGoogleVariables(configuration));
        builder.Services.AddSingleton<FirestoreConnection>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddGoogleCredential(FirestoreOptions.Read(builder.Configuration));
        builder.Services.AddTransient<FirestoreAuthHandler>();
        builder.Services.AddHttpClient<ISessionStore, FirestoreSessionStore>()
            .AddDependencyResilience<FirestoreOptions>((resilience, _) =>
            {
                resilience.Retry.ShouldHandle = ShouldRetryAsync;
                // No breaker and no limiter: a store outage is answered per request, never refused wholesale.
                resilience.CircuitBreaker.ShouldHandle = _ => PredicateResult.False();
                resilience.RateLimiter.DefaultRateLimiterOptions.PermitLimit = int.MaxValue;
            })
            .AddHttpMessageHandler<FirestoreAuthHandler>(); // inside the retry: each attempt gets a current token
        return builder;
    }

    /// <summary>Retries connection failures, time-outs and the statuses Google documents as retryable, read from the body.</summary>
    private static async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args)
    {
        if (args.Outcome.Exception is HttpRequestException or TimeoutRejectedException)
        {
            return true;
        }

        if (args.Outcome.Result is not { IsSuccessStatusCode: false } response)
        {
            return false;
        }

        var error = await FirestoreErrors.ReadAsync(response, args.Context.CancellationToken);
        return FirestoreErrors.Transient.Contains(error.Status!);
    }
}
