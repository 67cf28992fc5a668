using System.Text;
using System.Text.Json;
using ElevenLabs.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>The self-hosted app on a loopback port in the test process, with its logs captured at every level.</summary>
public sealed class SelfHostedApp : AppHost
{
    private readonly WebApplication _app;

    private SelfHostedApp(WebApplication app) : base(app.Address()) => _app = app;

    public override HostKind Kind => HostKind.SelfHosted;
    public override IServiceProvider Services => _app.Services;

    public static new async Task<SelfHostedApp> StartAsync(IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null,
        LogLevel minimumLevel = LogLevel.Trace, string environment = "Production")
    {
        var app = Program.BuildSelfHost(["--urls", "http://127.0.0.1:0", "--environment", environment], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(minimumLevel);
            builder.Logging.AddFakeLogging();
            configure?.Invoke(builder);
        });
        try
        {
            await app.StartAsync();
            // The start-up report and warm-up (readiness checks) run once after start: let them end first, so that what a
            // test counts or breaks on a stand-in is its own doing.
            await app.Services.GetServices<IHostedService>().OfType<StartupReport>().Single().WarmedUp;
        }
        catch
        {
            // An app that failed to start must still release what it subscribed to (Application Insights'
            // process-wide HTTP diagnostics listener, most of all), or it swallows later apps' dependencies.
            await app.DisposeAsync();
            throw;
        }

        return new SelfHostedApp(app);
    }

    public override string LogText()
    {
        var text = new StringBuilder();
        foreach (var record in _app.Services.GetFakeLogCollector().GetSnapshot())
        {
            text.AppendLine(record.Message).AppendLine(record.Exception?.ToString());
            foreach (var (key, value) in record.StructuredState ?? [])
            {
                text.Append(key).Append('=').AppendLine(value);
            }

            foreach (var scope in record.Scopes)
            {
                text.AppendLine(scope is null ? "" : JsonSerializer.Serialize(scope, scope.GetType()));
            }
        }

        return text.ToString();
    }

    public override IReadOnlyList<string> LogMessages(LogLevel atLeast) =>
        [.. _app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= atLeast).Select(r => r.Message)];

    public override IReadOnlyList<LogLine> LogLines() =>
        [.. _app.Services.GetFakeLogCollector().GetSnapshot().Select(r => new LogLine(r.Level, r.Message, r.Exception?.ToString()))];

    protected override async ValueTask StopAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
