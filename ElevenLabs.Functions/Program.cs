using ElevenLabs.Functions.Api;
using ElevenLabs.Functions.Auth;
using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Firestore;
using ElevenLabs.Functions.Health;
using ElevenLabs.Functions.Hosting;
using ElevenLabs.Functions.Identity;
using ElevenLabs.Functions.Limits;
using ElevenLabs.Functions.OpenApi;
using ElevenLabs.Functions.Recordings;
using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Sessions;
using ElevenLabs.Functions.Sweep;
using ElevenLabs.Functions.Telemetry;
using ElevenLabs.Functions.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

/// <summary>The composition root, for both hosts.</summary>
public static partial class Program
{
    public static int Main(string[] args)
    {
        try
        {
            if (WorkerHost.IsStartedByFunctionsHost(args))
            {
                BuildWorker(args).Run();
            }
            else
            {
                BuildSelfHost(args).Run();
            }

            return 0;
        }
        catch (Exception ex) when (ConfigurationFailures(ex) is { Count: > 0 } failures)
        {
            // One line per wrong setting, each naming it.
            Console.Error.WriteLine("The app cannot start: its configuration is wrong.");
            foreach (var failure in failures)
            {
                Console.Error.WriteLine("  " + failure);
            }

            return 1;
        }
    }

    /// <summary>Every options-validation message in <paramref name="exception"/> (one, or several aggregated at start).</summary>
    public static IReadOnlyList<string> ConfigurationFailures(Exception exception) => exception switch
    {
        OptionsValidationException options => [.. options.Failures.Distinct()],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(ConfigurationFailures).Distinct()],
        _ => [],
    };

    /// <summary>Started by the Azure Functions host: an isolated worker with ASP.NET Core integration.</summary>
    public static IHost BuildWorker(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        AddConversationApp(builder);
        builder.AddTelemetry(functionsWorker: true);
        return builder.Build();
    }

    /// <summary>Started alone: the same route and handler on Kestrel.</summary>
    public static WebApplication BuildSelfHost(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.UseDefaultUrl();
        configure?.Invoke(builder); // before the app's registrations, which read configuration
        AddConversationApp(builder);
        builder.AddTelemetry(functionsWorker: false);
        builder.AddSelfHostedSweep();
        builder.AddSelfHostedCors();
        var app = builder.Build();
        if (app.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value.TrustForwardedFor)
        {
            app.UseTrustedForwardedFor(); // as the worker's SDK does for the host: the last X-Forwarded-For hop is the connection's
        }

        app.UseMiddleware<RequestTelemetryMiddleware>();
        app.UseConversationCors();
        app.MapConversationEndpoint();
        app.MapReadinessEndpoint();
        app.MapApiDescription();
        app.MapWebhookEndpoint();
        return app;
    }

    private static void AddConversationApp(IHostApplicationBuilder builder)
    {
        builder.AddAzureIdentity();
        builder.AddSecrets();
        builder.AddCallerAuthentication();
        builder.AddLimits();
        builder.AddElevenLabs();
        builder.AddSessions();
        builder.AddRecordings();
        AddSessionStore(builder);
        builder.AddConversationApi();
        builder.AddReadiness();
        builder.AddWebhooks();
        builder.Services.AddHostedService<StartupReport>();
    }

    /// <summary>
    /// <c>Sessions:Store</c>: Firestore, InMemory, or Auto (Firestore when anything about it is configured; in memory only
    /// in Development, since elsewhere sessions in one instance's memory are lost across instances and restarts, so
    /// there Auto without Firestore stops the start). The daily quota's counts live in the same place, written with the
    /// sessions.
    /// </summary>
    /// <exception cref="OptionsValidationException">Auto outside Development, with Firestore not configured.</exception>
    private static void AddSessionStore(IHostApplicationBuilder builder)
    {
        var sessions = builder.Configuration.GetSection(SessionsOptions.Section).Get<SessionsOptions>() ?? new SessionsOptions();
        var store = sessions.Store != SessionStoreKind.Auto ? sessions.Store
            : FirestoreOptions.Read(builder.Configuration).IsConfigured ? SessionStoreKind.Firestore
            : builder.Environment.IsDevelopment() ? SessionStoreKind.InMemory
            : throw new OptionsValidationException(SessionsOptions.Section, typeof(SessionsOptions),
            [
                $"Sessions:Store is Auto but Firestore is not configured, and outside Development ({builder.Environment.EnvironmentName}) "
                + "sessions are not kept in memory: set Firestore:ProjectId (with Firestore:CredentialsFile, Firestore:CredentialsJson "
                + "or Firestore:Auth=WorkloadIdentity; or FIRESTORE_EMULATOR_HOST), or Sessions:Store=InMemory for one instance "
                + "whose sessions may be lost.",
            ]);
        if (store == SessionStoreKind.Firestore)
        {
            builder.AddFirestoreSessionStore();
        }
        else
        {
            builder.AddInMemorySessionStore();
        }
    }
}
