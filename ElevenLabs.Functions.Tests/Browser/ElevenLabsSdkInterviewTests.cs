using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ElevenLabs.Functions.Tests.Support;
using Microsoft.Playwright;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ElevenLabs.Functions.Tests.Browser;

/// <summary>
/// One whole interview through ElevenLabs' own browser SDK (<c>@elevenlabs/client</c> 1.25.0, installed from the lock
/// file in Browser/sdk by npm at build time) in Debian's Chromium with a fake microphone: our <c>create_session</c>,
/// the SDK's <c>startSession</c> with our signed URL and dynamic variables, a dropped socket and the reconnect through
/// <c>get_signed_url</c>, the end, and the post-call webhook that brings the call back to the session.
/// The page runs Browser/sdk/interview.js, the client code docs/api.md shows.
/// </summary>
[TestFixture]
public sealed class ElevenLabsSdkInterviewTests
{
    private static readonly string SdkFolder = Path.Combine(AppOutput.RepositoryRoot, "ElevenLabs.Functions.Tests", "Browser", "sdk");
    private static readonly string SdkBundle = Path.Combine(SdkFolder, "node_modules", "@elevenlabs", "client", "dist", "lib.iife.js");

    private readonly string _webhookSecret = "wsec_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private ElevenLabsConversationStandIn _elevenLabs = null!;
    private WireMockServer _pages = null!;
    private AppHost _app = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!File.Exists(SdkBundle))
        {
            Assert.Fail($"{SdkBundle} is missing: the test project's build runs 'npm ci' in {SdkFolder} (npm must be on PATH).");
        }

        _elevenLabs = await ElevenLabsConversationStandIn.StartAsync();
        _pages = WireMockServer.Start();
        var pageOrigin = _pages.Url!.TrimEnd('/');
        _app = await AppHost.StartAsync(new Dictionary<string, string?>
        {
            ["ElevenLabs:BaseUrl"] = _elevenLabs.Url.ToString(),
            ["ElevenLabs:ApiKey"] = _elevenLabs.ApiKey,
            ["ElevenLabs:WebhookSecret"] = _webhookSecret,
            ["Sessions:Store"] = "InMemory",
            ["Cors:AllowedOrigins"] = pageOrigin,
        });
        var functionUrl = $"http://localhost:{_app.BaseAddress.Port}/elevenlabs-conversation";
        _pages.Given(Request.Create().WithPath("/interview").UsingGet()).RespondWith(Response.Create()
            .WithHeader("Content-Type", "text/html; charset=utf-8")
            .WithBody($$"""
                <!doctype html>
                <html><head><title>AI interview</title>
                <script src="/sdk/lib.iife.js"></script>
                <script>window.FUNCTION_URL = '{{functionUrl}}'; const { Conversation } = ElevenLabsClient;</script>
                <script src="/sdk/interview.js"></script>
                </head><body><p>interview</p></body></html>
                """));
        _pages.Given(Request.Create().WithPath("/sdk/lib.iife.js").UsingGet()).RespondWith(Response.Create()
            .WithHeader("Content-Type", "text/javascript; charset=utf-8").WithBody(await File.ReadAllTextAsync(SdkBundle)));
        _pages.Given(Request.Create().WithPath("/sdk/interview.js").UsingGet()).RespondWith(Response.Create()
            .WithHeader("Content-Type", "text/javascript; charset=utf-8").WithBody(await File.ReadAllTextAsync(Path.Combine(SdkFolder, "interview.js"))));
        (_playwright, _browser) = await Support.Browser.LaunchAsync(
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _pages?.Stop();
        if (_elevenLabs is not null)
        {
            await _elevenLabs.DisposeAsync();
        }
    }

    [Test]
    public async Task AWholeInterviewThroughTheOfficialSdkComesBackToItsSession()
    {
        var page = await _browser.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => console.Add(message.Text);
        await page.GotoAsync(_pages.Url + "/interview");

        // create_session, then the SDK's startSession with the fields of our answer.
        var conversationId = await page.EvaluateAsync<string>("""
            async () => {
              window.events = [];
              window.interview = await startInterview(
                { userId: 'candidate-1', candidateId: 'candidate-1', jobId: 'job-7', metadata: { source: 'ai-interview-client' } },
                {
                  onConnect: ({ conversationId }) => events.push(['connect', conversationId]),
                  onMessage: ({ message, role }) => events.push(['message', role, message]),
                  onDisconnect: ({ reason }) => events.push(['disconnect', reason]),
                });
              return interview.conversationId;
            }
            """);
        var first = await ConnectedCallAsync(1, page, console);

        Assert.That(first.ClientData!["dynamic_variables"]!["session_id"]!.GetValue<string>(), Is.EqualTo(conversationId),
            "the SDK passed our session id on as a dynamic variable");
        Assert.That(first.ClientData!["user_id"]!.GetValue<string>(), Is.EqualTo("candidate-1"));
        Assert.That(first.Query, Does.Contain("conversation_signature=" + first.Signature), "the socket was opened with our signed URL");
        Assert.That(_elevenLabs.Refused, Is.Empty);
        await WaitForEventAsync(page, "message", console);
        var events = await EventsAsync(page);
        Assert.That(events, Has.Some.EqualTo("connect " + first.ConversationId), "onConnect fired with ElevenLabs' conversation id");
        Assert.That(events, Has.Some.EqualTo("message agent " + ElevenLabsConversationStandIn.AgentGreeting), "onMessage got the agent's message");

        // The socket drops: the client asks our API for a fresh signed URL for the same session and reconnects.
        first.Drop();
        var second = await ConnectedCallAsync(2, page, console);

        Assert.That(second.ConversationId, Is.Not.EqualTo(first.ConversationId));
        Assert.That(second.ClientData!["dynamic_variables"]!["session_id"]!.GetValue<string>(), Is.EqualTo(conversationId));
        var linked = await GetSessionAsync(conversationId);
        Assert.That(linked["data"]!["elevenLabsConversationIds"]!.AsArray().Select(id => id!.GetValue<string>()),
            Is.EqualTo(new[] { first.ConversationId, second.ConversationId }), "the session holds both ElevenLabs conversations");

        // endSession(), then our end_session.
        var ended = await page.EvaluateAsync<string>("async () => JSON.stringify(await interview.end())");
        await second.Ended.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(second.ClosedByClient, Is.Not.Null, "the SDK closed the socket");
        Assert.That(JsonNode.Parse(ended)!["data"]!["status"]!.GetValue<string>(), Is.EqualTo("ended"));

        // ElevenLabs' post-call webhook for the call reaches the session.
        var webhook = await PostWebhookAsync(second, durationSecs: 95, summary: "The candidate walked through a payments migration.");
        Assert.That((int)webhook.StatusCode, Is.EqualTo(200), await webhook.Content.ReadAsStringAsync());
        var session = await GetSessionAsync(conversationId);
        var lastCall = session["data"]!["lastCall"]!;

        Assert.That(lastCall["elevenLabsConversationId"]!.GetValue<string>(), Is.EqualTo(second.ConversationId));
        Assert.That(lastCall["callDurationSecs"]!.GetValue<int>(), Is.EqualTo(95));
        Assert.That(lastCall["transcriptSummary"]!.GetValue<string>(), Is.EqualTo("The candidate walked through a payments migration."));
        Assert.That(session["data"]!["endedBy"]!.GetValue<string>(), Is.EqualTo("client"), "the client's end stands");
    }

    [Test]
    public async Task TheApiPageShowsTheClientCodeThisTestRuns()
    {
        var page = (await File.ReadAllTextAsync(Path.Combine(AppOutput.RepositoryRoot, "docs", "api.md"))).ReplaceLineEndings("\n");
        var client = (await File.ReadAllTextAsync(Path.Combine(SdkFolder, "interview.js"))).ReplaceLineEndings("\n");

        Assert.That(page, Does.Contain(client), "docs/api.md's 'The client code' must show Browser/sdk/interview.js as it is");
    }

    /// <summary>Waits until the <paramref name="count"/>th conversation has connected and answered the ping.</summary>
    private async Task<ElevenLabsConversationStandIn.Call> ConnectedCallAsync(int count, IPage page, List<string> console)
    {
        for (var i = 0; i < 300 && _elevenLabs.Calls.Count < count; i++)
        {
            await Task.Delay(100);
        }

        Assert.That(_elevenLabs.Calls, Has.Count.GreaterThanOrEqualTo(count),
            $"conversation {count} never connected; events: {string.Join(" | ", await EventsAsync(page))}; console: {string.Join(" | ", console)}");
        var call = _elevenLabs.Calls[count - 1];
        await call.Ponged.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return call;
    }

    private static async Task WaitForEventAsync(IPage page, string kind, List<string> console)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await EventsAsync(page)).Any(e => e.StartsWith(kind + " ", StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"no '{kind}' event; console: {string.Join(" | ", console)}");
    }

    private static async Task<string[]> EventsAsync(IPage page) =>
        await page.EvaluateAsync<string[]>("() => (window.events ?? []).map(e => e.join(' '))");

    private async Task<JsonObject> GetSessionAsync(string conversationId)
    {
        var response = await _app.Client.PostAsJsonAsync("/elevenlabs-conversation", new { action = "get_session", conversationId });
        var body = await AppHost.ReadAsync(response);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body.ToJsonString());
        return body;
    }

    /// <summary>What ElevenLabs posts after the call, signed as it signs: <c>t=&lt;unix&gt;,v0=HMAC-SHA256(secret, "t.body")</c>.</summary>
    private async Task<HttpResponseMessage> PostWebhookAsync(ElevenLabsConversationStandIn.Call call, int durationSecs, string summary)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = new JsonObject
        {
            ["type"] = "post_call_transcription",
            ["event_timestamp"] = now,
            ["data"] = new JsonObject
            {
                ["agent_id"] = "EVQJtCNSo0L6uHQnImQu",
                ["conversation_id"] = call.ConversationId,
                ["status"] = "done",
                ["user_id"] = "candidate-1",
                ["transcript"] = new JsonArray
                {
                    new JsonObject { ["role"] = "agent", ["message"] = ElevenLabsConversationStandIn.AgentGreeting, ["time_in_call_secs"] = 0 },
                    new JsonObject { ["role"] = "user", ["message"] = "I led a payments migration.", ["time_in_call_secs"] = 6 },
                },
                ["metadata"] = new JsonObject
                {
                    ["start_time_unix_secs"] = now - durationSecs,
                    ["call_duration_secs"] = durationSecs,
                    ["termination_reason"] = "Client disconnected",
                },
                ["analysis"] = new JsonObject
                {
                    ["call_successful"] = "success",
                    ["transcript_summary"] = summary,
                    ["evaluation_criteria_results"] = new JsonObject(),
                    ["data_collection_results"] = new JsonObject(),
                },
                ["conversation_initiation_client_data"] = call.ClientData!.DeepClone(),
            },
        }.ToJsonString();
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_webhookSecret), Encoding.UTF8.GetBytes($"{now}.{body}")));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/elevenlabs-webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("ElevenLabs-Signature", $"t={now},v0={signature}");
        return await _app.Client.SendAsync(request);
    }
}
