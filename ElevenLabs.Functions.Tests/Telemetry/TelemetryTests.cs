using ElevenLabs.Functions.Tests.Support;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.Tests.Telemetry;

/// <summary>What Application Insights receives from a self-hosted run, through an in-memory channel.</summary>
[TestFixture]
public sealed class TelemetryTests
{
    private ElevenLabsStandIn _elevenLabs = null!;

    [SetUp]
    public void Start() => _elevenLabs = new ElevenLabsStandIn();

    [TearDown]
    public void Stop() => _elevenLabs.Dispose();

    private async Task<(AppHost App, InMemoryTelemetryChannel Channel)> StartAppAsync(params (string, string?)[] extra)
    {
        var channel = new InMemoryTelemetryChannel();
        var settings = Settings.For(_elevenLabs, [("APPLICATIONINSIGHTS_CONNECTION_STRING", InMemoryTelemetryChannel.ConnectionString), .. extra]);
        var app = await AppHost.StartAsync(settings, b => b.Services.AddSingleton<ITelemetryChannel>(channel), LogLevel.Information);
        return (app, channel);
    }

    private static void Flush(AppHost app) => app.Services.GetRequiredService<TelemetryClient>().Flush();

    private static IReadOnlyList<EventTelemetry> Events(InMemoryTelemetryChannel channel, string name) =>
        [.. channel.Items.OfType<EventTelemetry>().Where(e => e.Name == name)];

    [Test]
    public async Task EachActionEmitsItsEventWithTheSessionAndAgent()
    {
        var (app, channel) = await StartAppAsync();
        await using var _ = app;

        var (_, created, _) = await app.PostAsync(new { action = "create_session", userId = "u" });
        var id = created["conversationId"]!.GetValue<string>();
        await app.PostAsync(new { action = "get_signed_url", conversationId = id });
        await app.PostAsync(new { action = "end_session", conversationId = id });
        Flush(app);

        foreach (var (name, action) in new[] { ("SessionCreated", "create_session"), ("SignedUrlIssued", "get_signed_url"), ("SessionEnded", "end_session") })
        {
            var item = Events(channel, name).Single();
            Assert.That(item.Properties["Action"], Is.EqualTo(action), name);
            Assert.That(item.Properties["ConversationId"], Is.EqualTo(id), name);
            Assert.That(item.Properties["AgentId"], Is.EqualTo("EVQJtCNSo0L6uHQnImQu"), name);
        }
    }

    [Test]
    public async Task TheApplicationInsightsLogLevelSettingWinsOverTheDefaultWarning()
    {
        var (quiet, quietChannel) = await StartAppAsync();
        await using (quiet)
        {
            await quiet.PostAsync(new { action = "create_session", userId = "u" });
            Flush(quiet);
        }

        var (told, toldChannel) = await StartAppAsync(("Logging:ApplicationInsights:LogLevel:Default", "Information"));
        await using (told)
        {
            await told.PostAsync(new { action = "create_session", userId = "u" });
            Flush(told);
        }

        Assert.That(quietChannel.Items.OfType<TraceTelemetry>().Select(t => t.Message), Has.None.StartsWith("Created session"), "Warning and above by default");
        Assert.That(toldChannel.Items.OfType<TraceTelemetry>().Select(t => t.Message), Has.Some.StartsWith("Created session"),
            "Logging:ApplicationInsights:LogLevel:Default=Information sends the Information lines too");
    }

    [Test]
    public async Task AFailureEmitsSessionFailedWithItsCode()
    {
        var (app, channel) = await StartAppAsync();
        await using var _ = app;
        _elevenLabs.Answers(429, """{"detail":{"status":"system_busy","message":"busy"}}""", retryAfter: "3");

        await app.PostAsync(new { action = "create_session" });
        Flush(app);

        var failed = Events(channel, "SessionFailed").Single();
        Assert.That(failed.Properties["Action"], Is.EqualTo("create_session"));
        Assert.That(failed.Properties["FailureCode"], Is.EqualTo("elevenlabs_busy"));
        Assert.That(failed.Properties["StatusCode"], Is.EqualTo("503"));
        Assert.That(failed.Properties["AgentId"], Is.EqualTo("EVQJtCNSo0L6uHQnImQu"));
    }

    [Test]
    public async Task RequestsDependenciesAndMetricsAreReportedWithoutSecretsAndASuccessSendsNoTrace()
    {
        var (app, channel) = await StartAppAsync();
        await using var _ = app;

        var (status, _, _) = await app.PostAsync(new { action = "create_session", userId = "u" });
        // The request item is completed after the answer has gone out: wait for it (bounded), then flush.
        for (var i = 0; i < 100 && !channel.Items.OfType<RequestTelemetry>().Any(); i++)
        {
            await Task.Delay(50);
        }

        Flush(app);

        Assert.That(status, Is.EqualTo(200));
        var request = channel.Items.OfType<RequestTelemetry>().Single(r => r.Name == "elevenlabs-conversation");
        Assert.That(request.ResponseCode, Is.EqualTo("200"));
        var dependency = channel.Items.OfType<DependencyTelemetry>().Single(d => d.Data.Contains("get-signed-url", StringComparison.Ordinal));
        Assert.That(dependency.Context.Operation.Id, Is.EqualTo(request.Context.Operation.Id), "the ElevenLabs call is correlated to the request");
        Assert.That(channel.Items.OfType<MetricTelemetry>().Select(m => m.Name), Does.Contain("ElevenLabsSignedUrlLatencyMs"));
        Assert.That(channel.Items.OfType<TraceTelemetry>().Where(t => t.Context.Operation.Id == request.Context.Operation.Id).Select(t => t.Message), Is.Empty,
            "the use case's Information line stays in the console: the request, dependency and event items already say it, and each trace is billed");

        var wire = channel.WireFormat();
        Assert.That(wire, Does.Contain("SessionCreated"));
        Assert.That(wire, Does.Not.Contain(_elevenLabs.ApiKey));
        Assert.That(wire, Does.Not.Contain(_elevenLabs.Token));
    }

    /// <summary>
    /// The host names each request by its function; the self-host names it alike, so a chart or alert on
    /// <c>requests</c> reads the same under both (readiness is <c>elevenlabs-conversation-ready</c>, not its path).
    /// </summary>
    [Test]
    public async Task EachRequestIsNamedByItsFunctionAsTheHostNamesIt()
    {
        var (app, channel) = await StartAppAsync();
        await using var _ = app;

        await app.Client.GetAsync("/elevenlabs-conversation/ready");
        await app.Client.GetAsync("/elevenlabs-conversation/openapi.json");
        await app.Client.GetAsync("/elevenlabs-conversation");
        for (var i = 0; i < 100 && channel.Items.OfType<RequestTelemetry>().Count() < 3; i++)
        {
            await Task.Delay(50);
        }

        Flush(app);

        Assert.That(channel.Items.OfType<RequestTelemetry>().Select(r => r.Name),
            Is.EquivalentTo(new[] { "elevenlabs-conversation-ready", "elevenlabs-conversation-openapi", "elevenlabs-conversation" }));
    }

    [Test]
    public async Task ASuccessfulCreateSessionOnFirestoreIsFourItems()
    {
        await using var rig = await FirestoreRig.StartAsync();
        var channel = new InMemoryTelemetryChannel();
        await using var app = await AppHost.StartAsync(rig.Settings(("APPLICATIONINSIGHTS_CONNECTION_STRING", InMemoryTelemetryChannel.ConnectionString)),
            b => b.Services.AddSingleton<ITelemetryChannel>(channel), LogLevel.Information);

        await app.PostAsync(new { action = "create_session", userId = "first" }); // fetches the Google token too
        var (status, body, _) = await app.PostAsync(new { action = "create_session", userId = "second" });
        var id = body["conversationId"]!.GetValue<string>();
        for (var i = 0; i < 100 && channel.Items.OfType<RequestTelemetry>().Count() < 2; i++)
        {
            await Task.Delay(50);
        }

        Flush(app);

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var operation = channel.Items.OfType<EventTelemetry>().Single(e => e.Name == "SessionCreated" && e.Properties["ConversationId"] == id).Context.Operation.Id;
        // The test's own call to the app is in the same process, so the SDK sees it too: not the app's item.
        var items = channel.Items.Where(t => t.Context.Operation.Id == operation)
            .Where(t => t is not DependencyTelemetry { Name: "POST /elevenlabs-conversation" }).Select(t => t switch
        {
            RequestTelemetry => "request",
            DependencyTelemetry d => "dependency " + d.Name,
            EventTelemetry e => "event " + e.Name,
            _ => t.GetType().Name,
        }).Order().ToList();
        Assert.That(items, Is.EqualTo(new[]
            {
                "dependency GET /v1/convai/conversation/get-signed-url",
                "dependency POST /v1/projects/replit-4f946/databases/(default)/documents:commit",
                "event SessionCreated",
                "request",
            }),
            "the request, ElevenLabs' signed URL, Firestore's one write (which counts the session for the daily quota too), one event: no trace, nothing per attempt");
    }

    [Test]
    public async Task WarningAndErrorLinesCarryTheActionAndConversationIdAsScopes()
    {
        var (app, channel) = await StartAppAsync(("ElevenLabs:MaxRetries", "0"));
        await using var _ = app;
        var (_, created, _) = await app.PostAsync(new { action = "create_session" });
        var id = created["conversationId"]!.GetValue<string>();
        _elevenLabs.Answers(500, """{"detail":"boom"}""");

        var (status, _, _) = await app.PostAsync(new { action = "get_signed_url", conversationId = id });
        Flush(app);

        Assert.That(status, Is.EqualTo(502));
        // An Error line with its exception arrives as an exception item; its properties carry the scope.
        var failed = channel.Items.OfType<ExceptionTelemetry>().Single();
        Assert.That(failed.Properties["FormattedMessage"], Does.StartWith("Action get_signed_url failed with 502"));
        Assert.That(failed.Properties["Action"], Is.EqualTo("get_signed_url"));
        Assert.That(failed.Properties["ConversationId"], Is.EqualTo(id));
    }

    [Test]
    public async Task DebugTrueLowersTheAppsLogLevel()
    {
        var (quiet, quietChannel) = await StartAppAsync();
        await using (quiet)
        {
            await quiet.PostAsync(new { action = "end_session", conversationId = "conv_x" });
            Flush(quiet);
        }

        var (debug, debugChannel) = await StartAppAsync(("DEBUG", "true"));
        await using (debug)
        {
            await debug.PostAsync(new { action = "end_session", conversationId = "conv_x" });
            Flush(debug);
        }

        Assert.That(quietChannel.Items.OfType<TraceTelemetry>().Select(t => t.Message), Has.None.StartsWith("Handling end_session"));
        Assert.That(debugChannel.Items.OfType<TraceTelemetry>().Select(t => t.Message), Has.Some.StartsWith("Handling end_session"));
    }

    [TestCase("wss://api.elevenlabs.io/v1/convai/conversation?agent_id=a&conversation_id=c&token=SECRET", "SECRET")]
    [TestCase("https://x.vault.azure.net/secrets/k?api-version=7.6&sig=SECRET", "SECRET")]
    [TestCase("GET https://example.test/a?key=SECRET&b=1", "SECRET")]
    public void CredentialsInUrlsAreRedacted(string text, string secret)
    {
        var redacted = global::ElevenLabs.Functions.Telemetry.RedactingTelemetryInitializer.Redact(text);

        Assert.That(redacted, Does.Not.Contain(secret));
        Assert.That(redacted, Does.Contain("[redacted]"));
    }
}
