using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ElevenLabs.Functions.Tests.Health;

/// <summary>
/// The ElevenLabs readiness check reads how ElevenLabs is set up, over HTTP against the ElevenLabs stand-in: the agent's
/// <c>platform_settings.auth.enable_auth</c> (<c>GET /v1/convai/agents/{id}</c>) and whether ElevenLabs disabled the
/// app's webhook (<c>GET /v1/workspace/webhooks?include_usages=true</c>, asked at most every 5 minutes), under both
/// hosts; what reaches Application Insights is read at its ingestion stand-in, after the app stopped (its channel
/// sends what it holds then).
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class ElevenLabsSetupReadinessTests(HostKind host)
{
    private const string AppWebhookUrl = "https://func-interview.azurewebsites.net/elevenlabs-webhook";

    private ElevenLabsStandIn _elevenLabs = null!;
    private ApplicationInsightsStandIn _telemetry = null!;

    /// <summary>One app first (see <see cref="Readiness.WarmUpAsync"/>), so the 2 s check time-out measures ElevenLabs.</summary>
    [OneTimeSetUp]
    public Task WarmUpAsync() => Readiness.WarmUpAsync(StartStandInAsync, () => StartAppAsync(), StopStandInAsync);

    [SetUp]
    public async Task StartStandInAsync()
    {
        _elevenLabs = new ElevenLabsStandIn();
        _telemetry = await ApplicationInsightsStandIn.StartAsync();
    }

    [TearDown]
    public async Task StopStandInAsync()
    {
        _elevenLabs.Dispose();
        await _telemetry.DisposeAsync();
    }

    /// <summary>The app under the fixture's host; a <paramref name="time"/> (the app's clock) only self-hosted, where the test runs the app's services.</summary>
    private Task<AppHost> StartAppAsync(FakeTimeProvider? time = null, params (string Key, string? Value)[] extra)
    {
        var settings = _elevenLabs.Settings([("APPLICATIONINSIGHTS_CONNECTION_STRING", _telemetry.ConnectionString), .. extra]);
        return time is null ? AppHost.StartAsync(host, settings) : AppHost.StartAsync(settings, b => b.Services.AddSingleton<TimeProvider>(time));
    }

    /// <summary>The app's clock: self-hosted a fake one the test moves; under the worker the real one, waited on.</summary>
    private FakeTimeProvider? AppTime() => host == HostKind.SelfHosted ? new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero)) : null;

    private static Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response, string Text)> ReadyAsync(AppHost app) => Readiness.GetAsync(app);

    private static JsonObject ElevenLabsCheck(JsonObject body) => Readiness.Check(body, "elevenlabs");

    private int WebhookListRequests => _elevenLabs.WorkspaceWebhookRequests.Count(r => r.RequestMessage.Method == "GET");

    /// <summary>
    /// The WebhookDisabled events the app sent, read once it stopped: its channel sends what it holds at stop, the
    /// webhook list read's dependency item with them (waited for, bounded), so an empty list is an answer.
    /// </summary>
    private async Task<List<TelemetryItem>> WebhookDisabledEventsAsync(AppHost app)
    {
        await app.DisposeAsync();
        var clock = Stopwatch.StartNew();
        while (!_telemetry.Items.Any(i => i.BaseType == "RemoteDependencyData" && i.Name?.Contains("/v1/workspace/webhooks", StringComparison.Ordinal) == true)
            && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100);
        }

        Assert.That(_telemetry.Items.Select(i => i.Name), Has.Some.Contains("/v1/workspace/webhooks"),
            "the webhook list read reached Application Insights when the app stopped: " + string.Join(", ", _telemetry.Items.Select(i => $"{i.BaseType} {i.Name}")));
        return [.. _telemetry.Items.Where(i => i.BaseType == "EventData" && i.Name == "WebhookDisabled")];
    }

    [Test]
    public async Task APublicAgentFailsReadinessAndTheStartUpLogNamesTheSettingInOneLine()
    {
        _elevenLabs.AgentEnableAuth = false;
        await using var app = await StartAppAsync();

        var (status, body, _, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), text);
        Assert.That(ElevenLabsCheck(body)["status"]!.GetValue<string>(), Is.EqualTo("unhealthy"));
        Assert.That(ElevenLabsCheck(body)["code"]!.GetValue<string>(), Is.EqualTo("elevenlabs_agent_public"));
        var lines = app.LogLines().Where(r => r.Message.Contains("elevenlabs_agent_public", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Is.Not.Empty, "said at start");
        Assert.That(lines[0].Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(lines[0].Message, Does.Contain("Security tab").And.Contain("Enable authentication")
            .And.Contain("platform_settings.auth.enable_auth").And.Contain("ElevenLabs:AllowPublicAgent=true"));
        Assert.That(lines[0].Message, Does.Not.Contain("\n"), "one line");
        Assert.That(lines.Select(l => l.Exception), Has.All.Null, "no stack trace");
    }

    [Test]
    public async Task APublicAgentPassesWhenAllowPublicAgentSaysItIsDeliberateAndTheStartSaysSoOnce()
    {
        var time = AppTime();
        _elevenLabs.AgentEnableAuth = false;
        await using var app = await StartAppAsync(time, ("ElevenLabs:AllowPublicAgent", "true"));
        var clock = new AppClock(time);

        var (status, body, _, text) = await ReadyAsync(app);
        await clock.PastTheKeptResultAsync(TimeSpan.FromSeconds(16)); // past readiness's 15 s
        var (again, _, _, _) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(again, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ElevenLabsCheck(body)["status"]!.GetValue<string>(), Is.EqualTo("healthy"));
        Assert.That(_elevenLabs.AgentRequests, Has.Count.EqualTo(2), "both runs read the agent");
        Assert.That(app.LogMessages(LogLevel.Information).Where(m => m.Contains("public", StringComparison.Ordinal) && m.Contains("by choice", StringComparison.Ordinal)).ToList(),
            Has.Count.EqualTo(1), "one line, however often readiness runs");
    }

    [TestCase(true, "auto_disabled", "500")]
    [TestCase(false, "disabled", null)]
    public async Task AWebhookElevenLabsDisabledFailsReadinessAndEmitsWebhookDisabled(bool automatically, string reason, string? statusCode)
    {
        var webhook = _elevenLabs.AddWorkspaceWebhook("interview app", AppWebhookUrl, usedForPostCall: true);
        if (automatically)
        {
            _elevenLabs.AutoDisableWorkspaceWebhook(webhook.Id, 500, DateTimeOffset.UtcNow.AddMinutes(-3));
        }
        else
        {
            _elevenLabs.DisableWorkspaceWebhook(webhook.Id);
        }

        await using var app = await StartAppAsync();
        var (status, body, _, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), text);
        Assert.That(ElevenLabsCheck(body)["code"]!.GetValue<string>(), Is.EqualTo("elevenlabs_webhook_disabled"));
        var request = _elevenLabs.WorkspaceWebhookRequests.First().RequestMessage;
        Assert.That(request.RawQuery, Does.Contain("include_usages=true"));
        Assert.That(request.Headers!["xi-api-key"].Single(), Is.EqualTo(_elevenLabs.ApiKey));
        Assert.That(app.LogMessages(LogLevel.Warning), Has.Some.Contains("elevenlabs_webhook_disabled").And.Contain(AppWebhookUrl).And.Contain("infra/setup-webhook.sh"));
        var disabled = await WebhookDisabledEventsAsync(app);
        Assert.That(disabled, Has.Count.EqualTo(1), "one list read, one event");
        Assert.That(disabled[0].Properties["Reason"], Is.EqualTo(reason));
        Assert.That(disabled[0].Properties.TryGetValue("StatusCode", out var code) ? code : null, Is.EqualTo(statusCode));
    }

    [Test]
    public async Task NoWebhookOfTheAppIsNotAReadinessFailureAndOthersDisabledDoNotCount()
    {
        var other = _elevenLabs.AddWorkspaceWebhook("another app", "https://elsewhere.example/hooks/crm");
        _elevenLabs.DisableWorkspaceWebhook(other.Id);
        await using var app = await StartAppAsync();

        var (status, _, _, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(WebhookListRequests, Is.EqualTo(1), "the list was read");
        Assert.That(await WebhookDisabledEventsAsync(app), Is.Empty);
    }

    [Test]
    public async Task TheWebhookListIsAskedAtMostOnceInFiveMinutes()
    {
        var time = AppTime();
        if (time is null)
        {
            Assert.Ignore("Self-hosted only: five minutes of the app's clock, which only the self-hosted app lets a test move (a worker process runs on the real clock)");
        }

        var webhook = _elevenLabs.AddWorkspaceWebhook("interview app", AppWebhookUrl, usedForPostCall: true);
        await using var app = await StartAppAsync(time);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            statuses.Add((await ReadyAsync(app)).Status);
            time.Advance(TimeSpan.FromSeconds(16)); // past readiness's own 15 s: every run reads the agent again
        }

        _elevenLabs.AutoDisableWorkspaceWebhook(webhook.Id, 503, time.GetUtcNow());
        var (stillKept, _, _, _) = await ReadyAsync(app); // 2 min 40 s after the first read
        Assert.That(statuses, Has.All.EqualTo(HttpStatusCode.OK));
        Assert.That(stillKept, Is.EqualTo(HttpStatusCode.OK), "inside the 5 minutes the kept answer stands");
        Assert.That(_elevenLabs.AgentRequests, Has.Count.EqualTo(11));
        Assert.That(WebhookListRequests, Is.EqualTo(1), "one list read in the 5 minutes");

        time.Advance(TimeSpan.FromMinutes(2.5));
        var (status, body, _, text) = await ReadyAsync(app);

        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), text);
        Assert.That(ElevenLabsCheck(body)["code"]!.GetValue<string>(), Is.EqualTo("elevenlabs_webhook_disabled"));
        Assert.That(WebhookListRequests, Is.EqualTo(2));
        Assert.That((await WebhookDisabledEventsAsync(app)).Single().Properties["StatusCode"], Is.EqualTo("503"));
    }
}
