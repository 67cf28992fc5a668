using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ElevenLabs.Functions.Tests.Support;

namespace ElevenLabs.Functions.Tests.Hosting;

/// <summary>
/// What the worker does differently from the self-host, through the stand-in Functions host (its front end's
/// headers, the worker's own ASP.NET Core pipeline, Application Insights' worker integration) to an Application
/// Insights ingestion stand-in: the caller's address, CORS, request telemetry and log scopes. Each test's client
/// connects from its own loopback address, so the front end's <c>client-ip</c> makes each test its own caller.
/// </summary>
[TestFixture(Category = AppHost.FunctionsHostCategory)]
public sealed class WorkerPathTests
{
    private const string AllowedOrigin = "https://interview.example.com";
    private static int _addresses;
    private ElevenLabsStandIn _elevenLabs = null!;
    private ApplicationInsightsStandIn _insights = null!;
    private FunctionsHostStandIn _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _elevenLabs = new ElevenLabsStandIn();
        _insights = await ApplicationInsightsStandIn.StartAsync();
        // As infra configures the function app: the front end trusted, CORS left to the platform (set here anyway,
        // as an operator might leave it, to show the worker ignores it), the default limit of 10 creates a minute.
        var settings = Settings.For(_elevenLabs,
            ("APPLICATIONINSIGHTS_CONNECTION_STRING", _insights.ConnectionString),
            ("RateLimit:TrustForwardedFor", "true"),
            ("RateLimit:CreatePerMinute", "10"),
            ("Cors:AllowedOrigins", AllowedOrigin));
        _host = (FunctionsHostStandIn)await AppHost.StartAsync(HostKind.Functions, settings);
    }

    [SetUp]
    public void Reset() => _elevenLabs.Reset();

    /// <summary>A failed test prints what the worker reported (its failed invocations, its warnings and errors, its console).</summary>
    [TearDown]
    public void PrintTheWorkersSideOnFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Failed || _host is null)
        {
            return;
        }

        foreach (var failed in _host.Invocations.Where(i => !i.Succeeded).TakeLast(5))
        {
            TestContext.Out.WriteLine($"failed invocation {failed.FunctionName} {failed.InvocationId}: {failed.Exception}");
        }

        foreach (var log in _host.Logs.Where(l => l.Level >= LogLevel.Warning).TakeLast(10))
        {
            TestContext.Out.WriteLine($"worker {log.Level} {log.Category}: {log.Message} {log.Exception}");
        }

        var output = _host.WorkerOutput;
        TestContext.Out.WriteLine("worker console (last 4000 chars): " + output[Math.Max(0, output.Length - 4000)..]);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_insights is not null)
        {
            await _insights.DisposeAsync();
        }

        _elevenLabs?.Dispose();
    }

    /// <summary>
    /// Under the host the worker's connection is always the host on loopback, and the worker's SDK has already made
    /// the last X-Forwarded-For hop its address: a client that writes its own X-Forwarded-For and client-ip on every
    /// request is still the one caller the front end saw (before: the first hop, the client's, was the caller, and all
    /// 11 creates passed).
    /// </summary>
    [Test]
    [Retry(3)] // each try is a fresh caller address; on a loaded 2-core CI machine the worker's first create once answered 503
    public async Task ASpoofedForwardedForOrClientIpCannotEscapeTheLimit()
    {
        using var client = ClientFrom(NextAddress());
        var answers = new List<int>();
        for (var i = 1; i <= 11; i++)
        {
            using var request = Create();
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i}, 203.0.113.{i}:5000{i % 10}");
            request.Headers.Add("client-ip", $"203.0.113.{i}:4000");
            using var response = await client.SendAsync(request);
            answers.Add((int)response.StatusCode);
        }

        using var other = ClientFrom(NextAddress());
        using var otherAnswer = await other.SendAsync(Create());

        Assert.That(answers, Is.EqualTo(Enumerable.Repeat(200, 10).Append(429)), "11 creates from one connection address, each with made-up headers: " + string.Join(",", answers));
        Assert.That((int)otherAnswer.StatusCode, Is.EqualTo(200), "another client (another address at the front end) is another caller");
    }

    /// <summary>On Azure the platform answers CORS: the worker adds no CORS header of its own, whatever Cors:AllowedOrigins says.</summary>
    [Test]
    public async Task TheWorkerAnswersWithoutCorsHeadersEvenWithCorsConfigured()
    {
        using var client = ClientFrom(NextAddress());
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/elevenlabs-conversation");
        preflight.Headers.Add("Origin", AllowedOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var post = Create();
        post.Headers.Add("Origin", AllowedOrigin);
        using var get = new HttpRequestMessage(HttpMethod.Get, "/elevenlabs-conversation");
        get.Headers.Add("Origin", AllowedOrigin);

        var answers = new List<HttpResponseMessage>();
        foreach (var request in new[] { preflight, post, get })
        {
            answers.Add(await client.SendAsync(request));
        }

        Assert.That(answers.Select(a => (int)a.StatusCode), Is.EqualTo(new[] { 204, 200, 200 }));
        Assert.That(answers.SelectMany(a => a.Headers.Concat(a.Content.Headers)).Select(h => h.Key).Where(k => k.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)),
            Is.Empty, "no Access-Control-* header on the preflight, the POST or the GET");
        Assert.That(answers[0].Content.Headers.Allow, Is.EquivalentTo(new[] { "GET", "POST", "OPTIONS" }), "OPTIONS is the endpoint's own answer");
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    /// <summary>
    /// Request telemetry under the worker: the host reports the request (one per invocation, named by the function,
    /// with the HTTP status), so the worker reports none; the worker SDK's own item is one <c>Invoke</c> (InProc)
    /// dependency per invocation, a child of the host's trace. Everything the app sends for the request (its
    /// ElevenLabs call, its event) belongs to the host's operation (the caller's <c>traceparent</c> here), and the
    /// error envelope's <c>requestId</c> is that operation's id, as self-hosted it is the request's.
    /// </summary>
    [Test]
    public async Task TheWorkerSendsNoRequestItemAndItsItemsBelongToTheHostsOperation()
    {
        using var client = ClientFrom(NextAddress());
        var created = TraceId();
        var refused = TraceId();
        using (var request = Create())
        {
            request.Headers.Add("traceparent", $"00-{created}-{SpanId()}-01");
            using var response = await client.SendAsync(request);
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
        }

        JsonObject error;
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-conversation") { Content = JsonContent.Create(new { action = "end_session", conversationId = "conv_nobody" }) })
        {
            request.Headers.Add("traceparent", $"00-{refused}-{SpanId()}-01");
            using var response = await client.SendAsync(request);
            error = await AppHost.ReadAsync(response);
        }

        var items = await ItemsOfAsync([created, refused], i => i.BaseType == "EventData");

        Assert.That(_host.WorkerCapabilities.GetValueOrDefault("WorkerApplicationInsightsLoggingEnabled"), Is.EqualTo("True"),
            "the worker tells the host it sends its own logs, so the host does not send them a second time");
        Assert.That(_insights.Items.Where(i => i.BaseType == "RequestData"), Is.Empty, "the host's request item is the one: the worker sends none");
        foreach (var operation in new[] { created, refused })
        {
            var invokes = items[operation].Where(i => i.BaseType == "RemoteDependencyData" && i.Name == "Invoke").ToList();
            Assert.That(invokes, Has.Count.EqualTo(1), $"one invocation, one Invoke item: {string.Join("\n", items[operation].Select(i => i.Json))}");
            Assert.That(invokes[0].Json, Does.Contain("\"type\":\"InProc\""));
        }

        Assert.That(items[created].Select(i => (i.BaseType, i.Name)), Does.Contain(("EventData", (string?)"SessionCreated")));
        Assert.That(items[created].Where(i => i.BaseType == "RemoteDependencyData").Select(i => i.Name), Has.Some.Contains("get-signed-url"));
        Assert.That(items[refused].Select(i => (i.BaseType, i.Name)), Does.Contain(("EventData", (string?)"SessionFailed")));
        Assert.That(error["requestId"]!.GetValue<string>(), Is.EqualTo(refused), "the id a user reports is the host's operation");
    }

    /// <summary>Warnings reach Application Insights as traces carrying the request's scope (Action, ConversationId), as self-hosted.</summary>
    [Test]
    public async Task WarningsAreTracesWithTheActionAndConversationId()
    {
        using var client = ClientFrom(NextAddress());
        using var createAnswer = await client.SendAsync(Create());
        var id = (await AppHost.ReadAsync(createAnswer))["conversationId"]!.GetValue<string>();
        _elevenLabs.Answers(500, "{}"); // each retry is a Warning (Polly), the failure an Error
        var trace = TraceId();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-conversation") { Content = JsonContent.Create(new { action = "get_signed_url", conversationId = id }) };
        request.Headers.Add("traceparent", $"00-{trace}-{SpanId()}-01");
        using var response = await client.SendAsync(request);

        var items = await ItemsOfAsync([trace], i => i.BaseType == "EventData");
        var warnings = items[trace].Where(i => i.BaseType == "MessageData" && i.Json.Contains("\"severityLevel\":\"Warning\"", StringComparison.Ordinal)).ToList();

        Assert.That((int)response.StatusCode, Is.EqualTo(502));
        Assert.That(warnings, Is.Not.Empty, string.Join("\n", items[trace].Select(i => i.Json)));
        Assert.That(warnings.Select(w => w.Json), Has.All.Contain("\"Action\":\"get_signed_url\"").And.All.Contain($"\"ConversationId\":\"{id}\""));
    }

    private static HttpRequestMessage Create() =>
        new(HttpMethod.Post, "/elevenlabs-conversation") { Content = JsonContent.Create(new { action = "create_session" }) };

    private static string TraceId() => System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();

    private static string SpanId() => System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString();

    /// <summary>A loopback address of this fixture's own (Linux routes all of 127/8 to the loopback interface).</summary>
    private static IPAddress NextAddress() => new([127, 0, 19, (byte)(10 + Interlocked.Increment(ref _addresses))]);

    /// <summary>A client to the front end whose connections come from <paramref name="address"/>.</summary>
    private HttpClient ClientFrom(IPAddress address) => new(CallerClient.BoundTo(address)) { BaseAddress = _host.BaseAddress };

    /// <summary>The items of each operation, once one matching <paramref name="last"/> arrived for each (the channel sends every few seconds; bounded).</summary>
    private async Task<Dictionary<string, List<TelemetryItem>>> ItemsOfAsync(string[] operations, Func<TelemetryItem, bool> last)
    {
        for (var i = 0; i < 120 && !operations.All(o => _insights.Items.Any(item => item.OperationId == o && last(item))); i++)
        {
            await Task.Delay(500);
        }

        await Task.Delay(1000); // what was sent with it
        return operations.ToDictionary(o => o, o => _insights.Items.Where(i => i.OperationId == o).ToList());
    }
}
