using ElevenLabs.Functions.Hosting;
using ElevenLabs.Functions.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ElevenLabs.Functions.Firestore;

public static class FirestoreServiceCollectionExtensions
{
    /// <summary>The Firestore session store (with the daily quota's counts): auth handler (key, or workload identity federation) inside a retry of Firestore's transient statuses.</summary>
    public static IHostApplicationBuilder AddFirestoreSessionStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<FirestoreOptions, FirestoreOptionsValidator>(FirestoreOptions.Section)
            .Configure<IConfiguration>((o, configuration) => o.UseGoogleVariables(configuration));
        builder.Services.AddSingleton<FirestoreConnection>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        AddCredential(builder, FirestoreOptions.Read(builder.Configuration));
        builder.Services.AddTransient<FirestoreAuthHandler>();
        builder.Services.AddHttpClient<ISessionStore, FirestoreSessionStore>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .WithFirestorePipeline();
        return builder;
    }

    /// <summary>Auth handler (key, or workload identity federation) inside a retry of Firestore's transient statuses, no loggers.</summary>
    private static IHttpClientBuilder WithFirestorePipeline(this IHttpClientBuilder client)
    {
        client.RemoveAllLoggers(); // the factory's trace log would carry the bearer token in its structured state
        client.AddResilienceHandler("firestore", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<FirestoreOptions>>().Value;
                pipeline.AddTimeout(options.Timeout * (options.MaxRetries + 1) + options.RetryBaseDelay * Math.Pow(2, options.MaxRetries + 1));
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetries,
                    Delay = options.RetryBaseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldRetryAfterHeader = false,
                    ShouldHandle = ShouldRetryAsync,
                });
                pipeline.AddTimeout(options.Timeout);
            });
        client.AddHttpMessageHandler<FirestoreAuthHandler>(); // inside the retry: each attempt gets a current token
        return client;
    }

    /// <summary>
    /// <c>Firestore:Auth</c>: the emulator's owner, a service-account key, or workload identity federation from the
    /// app's Azure identity (whose two Google calls get their own client with the Firestore time-outs and retries).
    /// </summary>
    private static void AddCredential(IHostApplicationBuilder builder, FirestoreOptions firestore)
    {
        if (firestore.UsesEmulator)
        {
            builder.Services.AddSingleton<IFirestoreCredential, EmulatorCredential>();
        }
        else if (firestore.UsesWorkloadIdentity)
        {
            builder.Services.AddSingleton<GoogleTokenExchange>();
            builder.Services.AddSingleton<IFirestoreCredential, WorkloadIdentityFederation>();
            builder.Services.AddHttpClient(GoogleTokenExchange.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
                .RemoveAllLoggers() // the factory's trace log would carry the tokens of the form and the Authorization header
                .AddStandardResilienceHandler()
                .Configure((resilience, sp) =>
                {
                    // Retried: 408, 429, 5xx, connection failures and attempt time-outs (the standard handler's rule).
                    var options = sp.GetRequiredService<IOptions<FirestoreOptions>>().Value;
                    resilience.AttemptTimeout.Timeout = options.Timeout;
                    resilience.Retry.MaxRetryAttempts = options.MaxRetries;
                    resilience.Retry.Delay = options.RetryBaseDelay;
                    resilience.Retry.BackoffType = DelayBackoffType.Exponential;
                    resilience.Retry.UseJitter = true;
                    resilience.Retry.ShouldRetryAfterHeader = false;
                    var attempts = options.MaxRetries + 1;
                    resilience.TotalRequestTimeout.Timeout = options.Timeout * attempts + options.RetryBaseDelay * Math.Pow(2, attempts) + TimeSpan.FromSeconds(1);
                    var sampling = options.Timeout * 2;
                    resilience.CircuitBreaker.SamplingDuration = sampling > TimeSpan.FromSeconds(30) ? sampling : TimeSpan.FromSeconds(30);
                });
        }
        else
        {
            builder.Services.AddSingleton<IFirestoreCredential, ServiceAccountKeyCredential>();
        }
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
