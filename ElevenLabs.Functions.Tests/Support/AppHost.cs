using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>The two hosts the app runs under; a fixture parameter picks one (<c>[TestFixture(HostKind.Functions)]</c>).</summary>
public enum HostKind
{
    /// <summary>Started alone: the app's own Kestrel, in the test process (<see cref="SelfHostedApp"/>).</summary>
    SelfHosted,

    /// <summary>The worker process under the stand-in Azure Functions host, as in Azure (<see cref="FunctionsHostStandIn"/>).</summary>
    Functions,
}

/// <summary>One log line the app wrote, as either host captures it.</summary>
public sealed record LogLine(LogLevel Level, string Message, string? Exception);

/// <summary>
/// The running app as a test meets it, whichever host runs it: its address, a client whose every answer is checked
/// against the OpenAPI document, and its captured logs.
/// </summary>
public abstract class AppHost : IAsyncDisposable
{
    /// <summary>The NUnit category of every fixture run under the Functions host (<c>--filter TestCategory=FunctionsHost</c>).</summary>
    public const string FunctionsHostCategory = "FunctionsHost";

    private int _disposed;

    protected AppHost(Uri baseAddress)
    {
        BaseAddress = baseAddress;
        // Every answer is checked against the OpenAPI document on its way to the test.
        Client = new HttpClient(new OpenApiValidatingHandler(OpenApiContract.App, new HttpClientHandler())) { BaseAddress = baseAddress };
    }

    public abstract HostKind Kind { get; }
    public Uri BaseAddress { get; }
    public Uri FunctionUrl => new(BaseAddress, "/elevenlabs-conversation");
    public HttpClient Client { get; }

    /// <summary>The app's services: only a self-hosted app runs in the test process; under the Functions host the test is ignored, saying why.</summary>
    public virtual IServiceProvider Services
    {
        get
        {
            Assert.Ignore("Self-hosted only: this test reads the app's in-process services, which a worker process does not share");
            throw new InvalidOperationException(); // not reached
        }
    }

    /// <summary>A six-field NCRONTAB schedule that does not come round during a test run (midnight, 1 January).</summary>
    public const string OnlyWhenStarted = "0 0 0 1 1 *";

    /// <summary>The self-hosted app (what most tests that configure services in-process start).</summary>
    public static async Task<AppHost> StartAsync(IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null,
        LogLevel minimumLevel = LogLevel.Trace, string environment = "Production") =>
        await SelfHostedApp.StartAsync(settings, configure, minimumLevel, environment);

    /// <summary>The app under <paramref name="kind"/>, with <paramref name="settings"/>; <paramref name="configure"/> applies to a self-hosted app only.</summary>
    public static async Task<AppHost> StartAsync(HostKind kind, IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        if (kind == HostKind.SelfHosted)
        {
            return await SelfHostedApp.StartAsync(settings, configure);
        }

        // The host resolves the timer's %Sessions:SweepSchedule% from the app settings. Not infra's every-15-minutes
        // default: a sweep the wall clock fires at :00/:15/:30/:45 would land in whatever test runs then (and take
        // the fault it injected). Tests of the sweep pass their own schedule or start it now (POST /admin/functions).
        var appSettings = new Dictionary<string, string?>(settings);
        appSettings.TryAdd(SessionsOptions.SweepScheduleSetting, OnlyWhenStarted);
        var host = await FunctionsHostStandIn.StartAsync(appSettings);
        try
        {
            // As the self-hosted start waits for the start-up warm-up: the readiness run in flight is shared (or, done,
            // cached), so this ends with it and what a test then counts on a stand-in is its own doing.
            using var client = new HttpClient { BaseAddress = host.BaseAddress };
            using var ready = await client.GetAsync("/elevenlabs-conversation/ready");
            if (ready.StatusCode is not (System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.ServiceUnavailable))
            {
                throw new InvalidOperationException($"The worker's first readiness answer was {(int)ready.StatusCode}, not a readiness answer:\n{host.LogText()}\n{host.WorkerOutput}");
            }
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
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
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Every captured log line, with its exception (and, where the host has them, its state and scopes), as one text to search.</summary>
    public abstract string LogText();

    /// <summary>The messages of the captured log lines at <paramref name="atLeast"/> or above.</summary>
    public abstract IReadOnlyList<string> LogMessages(LogLevel atLeast);

    /// <summary>Every captured log line: its level, message and exception text (null without one), in order.</summary>
    public abstract IReadOnlyList<LogLine> LogLines();

    private static int Status(HttpResponseMessage response) => (int)response.StatusCode;

    /// <summary>Stops the app (once: a test may stop it early, to read what it sent at stop).</summary>
    public virtual async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Client.Dispose();
        await StopAsync();
        GC.SuppressFinalize(this);
    }

    protected abstract ValueTask StopAsync();
}
