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
    public async Task RequestsDependenciesMetricsAndInformationLogsAreReportedWithoutSecrets()
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
        Assert.That(channel.Items.OfType<TraceTelemetry>().Select(t => t.Message), Has.Some.StartsWith("Created session"),
            "Information logs arrive: the SDK's Warning-only rule is removed");

        var wire = channel.WireFormat();
        Assert.That(wire, Does.Contain("SessionCreated"));
        Assert.That(wire, Does.Not.Contain(_elevenLabs.ApiKey));
        Assert.That(wire, Does.Not.Contain(_elevenLabs.Token));
    }

    [TestCase("GET /elevenlabs-conversation HTTP/1.0\r\n\r\n", TestName = "No Host (HTTP/1.0)")]
    [TestCase("GET /elevenlabs-conversation HTTP/1.0\r\nHost:\r\n\r\n", TestName = "An empty Host (HTTP/1.0)")]
    [TestCase("GET /elevenlabs-conversation HTTP/1.1\r\nHost: x:99999\r\nConnection: close\r\n\r\n", TestName = "A port out of range")]
    [TestCase("GET /elevenlabs-conversation HTTP/1.1\r\nHost: a..b\r\nConnection: close\r\n\r\n", TestName = "An empty host label")]
    public async Task AMissingOrOddHostIsAnsweredAsUsualAndStillReported(string request)
    {
        var (app, channel) = await StartAppAsync();
        await using var _ = app;

        var answer = await RawSocket.SendAsync(app.BaseAddress, request);
        for (var i = 0; i < 100 && !channel.Items.OfType<RequestTelemetry>().Any(); i++)
        {
            await Task.Delay(50);
        }

        Flush(app);

        Assert.That(answer.Status, Is.EqualTo(200), answer.Body);
        Assert.That(answer.Body, Does.Contain("\"status\":\"healthy\""));
        var reported = channel.Items.OfType<RequestTelemetry>().Single();
        Assert.That(reported.ResponseCode, Is.EqualTo("200"), "the request is still reported");
        Assert.That(reported.Url.ToString(), Does.EndWith("/elevenlabs-conversation"));
        Assert.That(channel.WireFormat(), Does.Contain("/elevenlabs-conversation"), "and serialized as Application Insights would send it");
    }

    [Test]
    public async Task ACreateWithAnOddHostIsAnsweredAsUsual()
    {
        var (app, _) = await StartAppAsync();
        await using var __ = app;
        const string body = """{"action":"create_session","userId":"u"}""";

        var answer = await RawSocket.SendAsync(app.BaseAddress,
            $"POST /elevenlabs-conversation HTTP/1.1\r\nHost: x:99999\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");

        Assert.That(answer.Status, Is.EqualTo(200), answer.Body);
        Assert.That(answer.Body, Does.Contain("\"signedUrl\""));
    }

    [Test]
    public async Task LogLinesCarryTheActionAndConversationIdAsScopes()
    {
        var (app, channel) = await StartAppAsync();
        await using var _ = app;

        await app.PostAsync(new { action = "end_session", conversationId = "conv_scope_check" });
        Flush(app);

        var refused = channel.Items.OfType<TraceTelemetry>().Single(t => t.Message.StartsWith("Action end_session refused with 404", StringComparison.Ordinal));
        Assert.That(refused.Properties["Action"], Is.EqualTo("end_session"));
        Assert.That(refused.Properties["ConversationId"], Is.EqualTo("conv_scope_check"));
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
