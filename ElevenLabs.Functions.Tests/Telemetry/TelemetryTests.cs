using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Telemetry;

/// <summary>
/// What reaches Application Insights' ingestion (its loopback stand-in) from the app under either host: read once the
/// app has stopped, since the channel sends what it holds at stop (else every 30 s). Under the Functions host the host
/// reports each request (named by its function): the worker's own item for it is one <c>Invoke</c> dependency, and
/// everything else the app sends belongs to the host's operation.
/// </summary>
[TestFixture(HostKind.SelfHosted)]
[TestFixture(HostKind.Functions, Category = AppHost.FunctionsHostCategory)]
public sealed class TelemetryTests(HostKind host)
{
    private ElevenLabsStandIn _elevenLabs = null!;

    [SetUp]
    public void Start() => _elevenLabs = new ElevenLabsStandIn();

    [TearDown]
    public void Stop() => _elevenLabs.Dispose();

    private async Task<(AppHost App, ApplicationInsightsStandIn Insights)> StartAppAsync(params (string, string?)[] extra)
    {
        var insights = await ApplicationInsightsStandIn.StartAsync();
        try
        {
            var app = await AppHost.StartAsync(host, Settings.For(_elevenLabs, [("APPLICATIONINSIGHTS_CONNECTION_STRING", insights.ConnectionString), .. extra]));
            return (app, insights);
        }
        catch
        {
            await insights.DisposeAsync();
            throw;
        }
    }

    /// <summary>Everything the app sent, once it stopped (it sends what it holds at stop); the stand-in is then stopped too.</summary>
    private static async Task<List<TelemetryItem>> SentAsync(AppHost app, ApplicationInsightsStandIn insights)
    {
        await app.DisposeAsync();
        // Stopped: the flush has been answered. What else is on its way (a second batch) arrives within moments.
        var count = -1;
        for (var i = 0; i < 50 && insights.Items.Count != count; i++)
        {
            count = insights.Items.Count;
            await Task.Delay(200);
        }

        List<TelemetryItem> items = [.. insights.Items];
        await insights.DisposeAsync();
        TestContext.Out.WriteLine($"{items.Count} items reached ingestion");
        return items;
    }

    private static List<TelemetryItem> Events(List<TelemetryItem> items, string name) =>
        [.. items.Where(i => i.BaseType == "EventData" && i.Name == name)];

    private static IEnumerable<string> Traces(List<TelemetryItem> items) =>
        items.Where(i => i.BaseType == "MessageData").Select(i => i.Name ?? "");

    private static string Wire(List<TelemetryItem> items) => string.Join("\n", items.Select(i => i.Json));

    [Test]
    public async Task EachActionEmitsItsEventWithTheSessionAndAgent()
    {
        var (app, insights) = await StartAppAsync();

        var (_, created, _) = await app.PostAsync(new { action = "create_session", userId = "u" });
        var id = created["conversationId"]!.GetValue<string>();
        await app.PostAsync(new { action = "get_signed_url", conversationId = id });
        await app.PostAsync(new { action = "end_session", conversationId = id });
        var items = await SentAsync(app, insights);

        foreach (var (name, action) in new[] { ("SessionCreated", "create_session"), ("SignedUrlIssued", "get_signed_url"), ("SessionEnded", "end_session") })
        {
            var item = Events(items, name).Single();
            Assert.That(item.Properties["Action"], Is.EqualTo(action), name);
            Assert.That(item.Properties["ConversationId"], Is.EqualTo(id), name);
            Assert.That(item.Properties["AgentId"], Is.EqualTo("EVQJtCNSo0L6uHQnImQu"), name);
        }
    }

    [Test]
    public async Task TheApplicationInsightsLogLevelSettingWinsOverTheDefaultWarning()
    {
        var (quiet, quietInsights) = await StartAppAsync();
        await quiet.PostAsync(new { action = "create_session", userId = "u" });
        var quietItems = await SentAsync(quiet, quietInsights);

        var (told, toldInsights) = await StartAppAsync(("Logging:ApplicationInsights:LogLevel:Default", "Information"));
        await told.PostAsync(new { action = "create_session", userId = "u" });
        var toldItems = await SentAsync(told, toldInsights);

        Assert.That(Traces(quietItems), Has.None.StartsWith("Created session"), "Warning and above by default");
        Assert.That(Traces(toldItems), Has.Some.StartsWith("Created session"),
            "Logging:ApplicationInsights:LogLevel:Default=Information sends the Information lines too");
    }

    [Test]
    public async Task AFailureEmitsSessionFailedWithItsCode()
    {
        var (app, insights) = await StartAppAsync();
        _elevenLabs.Answers(429, """{"detail":{"status":"system_busy","message":"busy"}}""", retryAfter: "3");

        await app.PostAsync(new { action = "create_session" });
        var items = await SentAsync(app, insights);

        var failed = Events(items, "SessionFailed").Single();
        Assert.That(failed.Properties["Action"], Is.EqualTo("create_session"));
        Assert.That(failed.Properties["FailureCode"], Is.EqualTo("elevenlabs_busy"));
        Assert.That(failed.Properties["StatusCode"], Is.EqualTo("503"));
        Assert.That(failed.Properties["AgentId"], Is.EqualTo("EVQJtCNSo0L6uHQnImQu"));
    }

    /// <summary>
    /// The request's item, its ElevenLabs dependency in the same operation, the latency metric, no trace, no secret.
    /// Self-hosted the app reports the request (named by its function, with the status); under the Functions host the
    /// host does, and the worker's item for the invocation is its one <c>Invoke</c> dependency (no request item).
    /// </summary>
    [Test]
    public async Task RequestsDependenciesAndMetricsAreReportedWithoutSecretsAndASuccessSendsNoTrace()
    {
        var (app, insights) = await StartAppAsync();

        var (status, _, _) = await app.PostAsync(new { action = "create_session", userId = "u" });
        var items = await SentAsync(app, insights);

        Assert.That(status, Is.EqualTo(200));
        var operation = Events(items, "SessionCreated").Single().OperationId;
        var ofTheRequest = items.Where(i => i.OperationId == operation).ToList();
        if (host == HostKind.SelfHosted)
        {
            var request = ofTheRequest.Single(r => r.BaseType == "RequestData");
            Assert.That(request.Name, Is.EqualTo("elevenlabs-conversation"));
            Assert.That(request.BaseData["responseCode"]!.GetValue<string>(), Is.EqualTo("200"));
        }
        else
        {
            Assert.That(items.Where(i => i.BaseType == "RequestData"), Is.Empty, "the host's request item is the one: the worker sends none");
            Assert.That(ofTheRequest.Where(i => i.BaseType == "RemoteDependencyData" && i.Name == "Invoke").ToList(), Has.Count.EqualTo(1), "the invocation");
        }

        Assert.That(ofTheRequest.Where(d => d.BaseType == "RemoteDependencyData" && d.Name!.Contains("get-signed-url", StringComparison.Ordinal)).ToList(),
            Has.Count.EqualTo(1), "the ElevenLabs call is correlated to the request");
        Assert.That(items.Where(m => m.BaseType == "MetricData").SelectMany(m => m.BaseData["metrics"]!.AsArray()).Select(m => m!["name"]!.GetValue<string>()),
            Does.Contain("ElevenLabsSignedUrlLatencyMs"));
        Assert.That(Traces(ofTheRequest), Is.Empty,
            "the use case's Information line stays in the console: the request, dependency and event items already say it, and each trace is billed");

        var wire = Wire(items);
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
        if (host == HostKind.Functions)
        {
            Assert.Ignore("Self-hosted only: under the Functions host the host itself sends the request items, named by the function (the worker sends none: RequestsDependenciesAndMetrics... shows it); this checks that the self-host names its own alike");
        }

        var (app, insights) = await StartAppAsync();
        await app.Client.GetAsync("/elevenlabs-conversation/ready");
        await app.Client.GetAsync("/elevenlabs-conversation/openapi.json");
        await app.Client.GetAsync("/elevenlabs-conversation");
        var items = await SentAsync(app, insights);

        Assert.That(items.Where(r => r.BaseType == "RequestData").Select(r => r.Name),
            Is.EquivalentTo(new[] { "elevenlabs-conversation-ready", "elevenlabs-conversation-openapi", "elevenlabs-conversation" }));
    }

    [Test]
    public async Task ASuccessfulCreateSessionOnFirestoreIsFourItems()
    {
        await using var rig = await FirestoreRig.StartAsync();
        var insights = await ApplicationInsightsStandIn.StartAsync();
        var app = await AppHost.StartAsync(host, rig.Settings(("APPLICATIONINSIGHTS_CONNECTION_STRING", insights.ConnectionString)));

        await app.PostAsync(new { action = "create_session", userId = "first" }); // fetches the Google token too
        var (status, body, _) = await app.PostAsync(new { action = "create_session", userId = "second" });
        var id = body["conversationId"]!.GetValue<string>();
        var sent = await SentAsync(app, insights);

        Assert.That(status, Is.EqualTo(200), body.ToJsonString());
        var operation = sent.Single(e => e.BaseType == "EventData" && e.Name == "SessionCreated" && e.Properties["ConversationId"] == id).OperationId;
        // Self-hosted, the test's own call to the app is in the same process, so the SDK sees it too: not the app's item.
        var items = sent.Where(t => t.OperationId == operation)
            .Where(t => !(t.BaseType == "RemoteDependencyData" && t.Name == "POST /elevenlabs-conversation")).Select(t => t.BaseType switch
        {
            "RequestData" => "request",
            "RemoteDependencyData" when t.Name == "Invoke" => "request", // the worker's item for its invocation; the host reports the request
            "RemoteDependencyData" => "dependency " + t.Name,
            "EventData" => "event " + t.Name,
            _ => t.BaseType,
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
        var (app, insights) = await StartAppAsync(("ElevenLabs:MaxRetries", "0"));
        var (_, created, _) = await app.PostAsync(new { action = "create_session" });
        var id = created["conversationId"]!.GetValue<string>();
        _elevenLabs.Answers(500, """{"detail":"boom"}""");

        var (status, _, _) = await app.PostAsync(new { action = "get_signed_url", conversationId = id });
        var items = await SentAsync(app, insights);

        Assert.That(status, Is.EqualTo(502));
        // An Error line with its exception arrives as an exception item; its properties carry the scope.
        var failed = items.Single(i => i.BaseType == "ExceptionData");
        Assert.That(failed.Properties["FormattedMessage"], Does.StartWith("Action get_signed_url failed with 502"));
        Assert.That(failed.Properties["Action"], Is.EqualTo("get_signed_url"));
        Assert.That(failed.Properties["ConversationId"], Is.EqualTo(id));
    }

    [Test]
    public async Task DebugTrueLowersTheAppsLogLevel()
    {
        var (quiet, quietInsights) = await StartAppAsync();
        await quiet.PostAsync(new { action = "end_session", conversationId = "conv_x" });
        var quietItems = await SentAsync(quiet, quietInsights);

        var (debug, debugInsights) = await StartAppAsync(("DEBUG", "true"));
        await debug.PostAsync(new { action = "end_session", conversationId = "conv_x" });
        var debugItems = await SentAsync(debug, debugInsights);

        Assert.That(Traces(quietItems), Has.None.StartsWith("Handling end_session"));
        Assert.That(Traces(debugItems), Has.Some.StartsWith("Handling end_session"));
    }

    /// <summary>
    /// Candidates' personal data never goes to telemetry, even with every line sent (DEBUG=true): not the caller's
    /// user and candidate ids or the session's metadata from create_session, not the transcript, summary or analysis a
    /// webhook brings; nor the webhook's secret or signature.
    /// </summary>
    [Test]
    public async Task NoPersonalDataOrSecretReachesTelemetryEvenWithEveryLineSent()
    {
        var secret = WebhookSigner.NewSecret();
        _elevenLabs.IssueFreshConversationIds();
        var (app, insights) = await StartAppAsync(("DEBUG", "true"), ("Logging:ApplicationInsights:LogLevel:Default", "Trace"), ("ElevenLabs:WebhookSecret", secret));

        var (status, created, _) = await app.PostAsync(new
        {
            action = "create_session",
            userId = "jane.doe@example.com",
            candidateId = "cand-Jane-Doe-1987",
            jobId = "job-42",
            metadata = new { candidateName = "Jane Q. Doe", phone = "+1 555 0142" },
        });
        Assert.That(status, Is.EqualTo(200), created.ToJsonString());
        var id = created["conversationId"]!.GetValue<string>();
        var transcription = ElevenLabsEvents.Transcription(_elevenLabs.IssuedConversationIds[^1], id,
            turns: [("agent", "Hello Jane, please tell me about yourself."), ("user", "I live at 12 Elm Street, Springfield, and my salary is 91000 dollars.")]);
        var bytes = ElevenLabsEvents.Bytes(transcription);
        var signature = WebhookSigner.Header(secret, DateTimeOffset.UtcNow, bytes);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSigner.HeaderName, signature);
        using var delivered = await app.Client.SendAsync(request);
        var (got, _, _) = await app.PostAsync(new { action = "get_session", conversationId = id });
        var items = await SentAsync(app, insights);

        Assert.That((int)delivered.StatusCode, Is.EqualTo(200));
        Assert.That(got, Is.EqualTo(200));
        Assert.That(Events(items, "SessionCreated"), Has.Count.EqualTo(1), "telemetry was sent");
        Assert.That(items.Where(i => i.BaseType == "MessageData"), Is.Not.Empty, "every line was sent");
        var wire = Wire(items);
        foreach (var personal in new[]
        {
            "jane.doe@example.com", "cand-Jane-Doe-1987", "Jane Q. Doe", "555 0142", "12 Elm Street", "91000 dollars", "Hello Jane",
            "The candidate described rebuilding a billing pipeline", "Clear answers", "Said seven years",
        })
        {
            Assert.That(wire, Does.Not.Contain(personal), "personal data");
        }

        Assert.That(wire, Does.Not.Contain(secret), "the webhook secret");
        Assert.That(wire, Does.Not.Contain(signature.Split("v0=")[^1]), "the webhook's signature");
        Assert.That(wire, Does.Not.Contain(_elevenLabs.ApiKey).And.Not.Contain(_elevenLabs.Token));
    }
}
