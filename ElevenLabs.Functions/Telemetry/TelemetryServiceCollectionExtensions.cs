using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.ApplicationInsights.WorkerService;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.ApplicationInsights;

namespace ElevenLabs.Functions.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Categories that log every request or attempt at Information: ASP.NET Core's hosting and routing, Polly, the HTTP
    /// client factory, and the Azure SDK (each Key Vault call, forwarded by Microsoft.Extensions.Azure).
    /// </summary>
    private static readonly string[] QuietCategories = ["Microsoft.AspNetCore", "Polly", "System.Net.Http.HttpClient", "Azure"];

    /// <summary><c>ApplicationInsights:LiveMetrics</c>: true streams Live Metrics (off by default).</summary>
    public const string LiveMetricsSetting = "ApplicationInsights:LiveMetrics";

    /// <summary><c>ApplicationInsights:PerformanceCounters</c>: true sends the process's performance and event counters (off by default).</summary>
    public const string PerformanceCountersSetting = "ApplicationInsights:PerformanceCounters";

    /// <summary>
    /// Application Insights for either host (connection string from <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>;
    /// without one nothing is sent, nothing is collected, and nothing fails), credentials redacted.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder, bool functionsWorker)
    {
        var connectionString = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var reporting = !string.IsNullOrWhiteSpace(connectionString);
        var debug = string.Equals(builder.Configuration["DEBUG"], "true", StringComparison.OrdinalIgnoreCase);
        builder.Services.AddApplicationInsightsTelemetryWorkerService(new ApplicationInsightsServiceOptions
        {
            ConnectionString = connectionString,
            // Sessions are few (0 to 10 instances of interviews): keep every event so the workbook counts are exact.
            EnableAdaptiveSampling = false,
            // Live Metrics and the process's performance and event counters: off unless asked for. Nothing in the
            // workbook or the alerts reads them (Flex Consumption reports CPU and memory as platform metrics), and
            // they cost start-up time, CPU per request (Live Metrics sees every item) and pings at rest.
            EnableQuickPulseMetricStream = reporting && builder.Configuration.GetValue(LiveMetricsSetting, false),
            EnablePerformanceCounterCollectionModule = reporting && builder.Configuration.GetValue(PerformanceCountersSetting, false),
            EnableEventCounterCollectionModule = reporting && builder.Configuration.GetValue(PerformanceCountersSetting, false),
            // With nothing to send (no connection string: local runs, tests), no module polls, pings or collects.
            EnableHeartbeat = reporting,
            EnableAppServicesHeartbeatTelemetryModule = reporting,
            // Azure VM instance metadata: there is no such endpoint on Functions, and asking costs a call at start.
            EnableAzureInstanceMetadataTelemetryModule = false,
        });
        if (functionsWorker)
        {
            builder.Services.ConfigureFunctionsApplicationInsights();
        }

        // The SDK's logger provider sends Warning and above as traces (its own first filter rule, so that a
        // Logging:ApplicationInsights:LogLevel setting wins): a successful request is already its request, dependency
        // and event items, and in Azure every trace is billed. DEBUG=true drops that rule, so every line the console
        // shows is sent too.
        if (debug)
        {
            builder.Services.Configure<LoggerFilterOptions>(options =>
            {
                var sdkRule = options.Rules.FirstOrDefault(rule => rule.ProviderName == typeof(ApplicationInsightsLoggerProvider).FullName);
                if (sdkRule is not null)
                {
                    options.Rules.Remove(sdkRule);
                }
            });
        }

        if (reporting)
        {
            builder.Services.AddHostedService<TelemetryFlushOnStop>();
        }

        builder.Services.AddSingleton<ITelemetryInitializer, RedactingTelemetryInitializer>();
        builder.Services.AddSingleton<ConversationTelemetry>();

        // The Cloud Function's debug mode: DEBUG=true lowers the app's own log level to Debug and brings back the
        // framework's per-request and per-attempt lines. Without it, a successful request writes at most the use
        // case's own line: request and dependency telemetry already say what the framework's lines said, and in
        // Azure every line is a billed trace.
        if (debug)
        {
            builder.Logging.AddFilter("ElevenLabs.Functions", LogLevel.Debug);
        }
        else
        {
            foreach (var category in QuietCategories)
            {
                builder.Logging.AddFilter(category, LogLevel.Warning);
            }
        }

        return builder;
    }
}
