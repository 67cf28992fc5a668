using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>The self-hosted app on a loopback port, with its logs captured at every level.</summary>
public sealed class AppHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AppHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        // Every answer is checked against the OpenAPI document on its way to the test.
        Client = new HttpClient(new OpenApiValidatingHandler(OpenApiContract.App, new HttpClientHandler())) { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }
    public Uri FunctionUrl => new(BaseAddress, "/elevenlabs-conversation");
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<AppHost> StartAsync(IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null,
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

        return new AppHost(app, app.Address());
    }

    /// <summary>POSTs a JSON body (any object) and returns the status and the parsed answer.</summary>
    public async Task<(int Status, JsonObject Body, HttpResponseMessage Response)> PostAsync(object body)
    {
        var response = await Client.PostAsJsonAsync("/elevenlabs-conversation", body);
        return (Status(response), await ReadAsync(response), response);
    }

    /// <summary>POSTs raw text as the body.</summary>
    public async Task<(int Status, JsonObject Body, HttpResponseMessage Response)> PostRawAsync(string body)
    {
        var response = await Client.PostAsync("/elevenlabs-conversation", new StringContent(body, Encoding.UTF8, "application/json"));
        return (Status(response), await ReadAsync(response), response);
    }

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Every captured log line, with its exception, state and scopes, as one text to search.</summary>
    public string LogText()
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

    public IReadOnlyList<string> LogMessages(LogLevel atLeast) =>
        [.. _app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= atLeast).Select(r => r.Message)];

    private static int Status(HttpResponseMessage response) => (int)response.StatusCode;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
