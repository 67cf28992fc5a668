using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// ElevenLabs on loopback (WireMock.Net), answering <c>GET /v1/convai/conversation/get-signed-url</c> and
/// <c>GET /v1/convai/agents/{agent_id}</c> as the real API does: a signed URL or the agent for the right
/// <c>xi-api-key</c>, a 401 in ElevenLabs' error shape for any other, a 404 for an agent it does not have.
/// Workspace webhooks and the Agents platform's settings: ElevenLabsStandIn.Webhooks.cs.
/// </summary>
public sealed partial class ElevenLabsStandIn : IStandIns<ElevenLabsStandIn>, IDisposable
{
    public const string SignedUrlPath = "/v1/convai/conversation/get-signed-url";
    public const string TokenPath = "/v1/convai/conversation/token";
    public const string AgentsPath = "/v1/convai/agents/";

    /// <summary>The one agent the stand-in has: the app's default.</summary>
    public static readonly string AgentId = new Functions.ElevenLabs.ElevenLabsOptions().AgentId;

    public ElevenLabsStandIn()
    {
        Server = WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { PreWireMockMiddlewareInit = ServeAudioStreaming });
        OriginalApiKey = "sk_test_" + Guid.NewGuid().ToString("N");
        Token = "tok" + Guid.NewGuid().ToString("N");
        Reset();
    }

    public WireMockServer Server { get; }
    public string Url => Server.Url!;

    /// <summary>The key the stand-in was made with (per test run): what the app is configured with.</summary>
    public string OriginalApiKey { get; }

    /// <summary>The key the stand-in accepts now (a test changes it to revoke or rotate the key).</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The secret part of every signed URL it hands out.</summary>
    public string Token { get; }

    /// <summary>The WebRTC conversation token it hands out (a credential, like <see cref="Token"/>).</summary>
    public string ConversationToken { get; } = "webrtc_" + Guid.NewGuid().ToString("N");

    /// <summary>How long the normal answers (a signed URL, or a 401) take; zero unless a benchmark sets it before <see cref="Reset"/>.</summary>
    public TimeSpan Latency { get; set; }

    public string ElevenLabsConversationId { get; } = "conv_el_" + Guid.NewGuid().ToString("N")[..12];

    public string SignedUrl => $"wss://api.elevenlabs.io/v1/convai/conversation?agent_id=agent&conversation_id={ElevenLabsConversationId}&token={Token}";

    /// <summary>The ElevenLabs conversation ids handed out since <see cref="IssueFreshConversationIds"/>, in order.</summary>
    public IReadOnlyList<string> IssuedConversationIds
    {
        get
        {
            lock (_issued)
            {
                return [.. _issued];
            }
        }
    }

    private readonly List<string> _issued = [];

    /// <summary>From now on every signed URL starts a conversation of its own (a new id each time), as the real API's do.</summary>
    public void IssueFreshConversationIds()
    {
        Server.Given(Request.Create().WithPath(SignedUrlPath).UsingGet().WithHeader(headers => headers.TryGetValue("xi-api-key", out var values) && values.Contains(ApiKey)))
            .AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(_ =>
                {
                    var id = "conv_el_" + Guid.NewGuid().ToString("N")[..16];
                    lock (_issued)
                    {
                        _issued.Add(id);
                    }

                    return $$"""{"signed_url":"wss://api.elevenlabs.io/v1/convai/conversation?agent_id=agent&conversation_id={{id}}&token={{Token}}"}""";
                }).Delayed(Latency));
    }

    /// <summary>Back to the normal behaviour: the original key gets a signed URL, anything else a 401.</summary>
    public void Reset()
    {
        ApiKey = OriginalApiKey;
        AgentEnableAuth = true;
        Server.Reset();
        lock (_issued)
        {
            _issued.Clear();
        }

        Server.Given(Request.Create().WithPath(SignedUrlPath).UsingGet())
            .AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""{"detail":{"status":"invalid_api_key","message":"Invalid API key"}}""").Delayed(Latency));
        Server.Given(Request.Create().WithPath(SignedUrlPath).UsingGet().WithHeader(headers => headers.TryGetValue("xi-api-key", out var values) && values.Contains(ApiKey)))
            .AtPriority(50)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(_ => $$"""{"signed_url":"{{SignedUrl}}"}""").Delayed(Latency));
        Server.Given(Request.Create().WithPath(TokenPath).UsingGet())
            .AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""{"detail":{"status":"invalid_api_key","message":"Invalid API key"}}""").Delayed(Latency));
        Server.Given(Request.Create().WithPath(TokenPath).UsingGet().WithHeader(headers => headers.TryGetValue("xi-api-key", out var values) && values.Contains(ApiKey)))
            .AtPriority(50)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(_ => TokenBody()).Delayed(Latency));

        Server.Given(Request.Create().WithPath(AgentsPath + "*").UsingGet())
            .AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""{"detail":{"status":"invalid_api_key","message":"Invalid API key"}}""").Delayed(Latency));
        Server.Given(Request.Create().WithPath(AgentsPath + "*").UsingGet().WithHeader(headers => headers.TryGetValue("xi-api-key", out var values) && values.Contains(ApiKey)))
            .AtPriority(60)
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json")
                .WithBody("""{"detail":{"status":"agent_not_found","message":"Agent not found"}}""").Delayed(Latency));
        Server.Given(Request.Create().WithPath(AgentsPath + AgentId).UsingGet().WithHeader(headers => headers.TryGetValue("xi-api-key", out var values) && values.Contains(ApiKey)))
            .AtPriority(50)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(_ => AgentBody()).Delayed(Latency));
        ServeUnknownConversations();
        ServeWorkspaceWebhooks();
        ResetConversations();
    }

    /// <summary>The agent's <c>platform_settings.auth.enable_auth</c> (true: private, as the app needs it).</summary>
    public bool AgentEnableAuth { get; set; } = true;

    /// <summary>The agent as <c>GET /v1/convai/agents/{id}</c> answers it (elevenlabs-python <c>GetAgentResponseModel</c>, <c>AuthSettings</c>).</summary>
    private string AgentBody() => new JsonObject
    {
        ["agent_id"] = AgentId,
        ["name"] = "AI interviewer",
        ["conversation_config"] = new JsonObject { ["agent"] = new JsonObject { ["first_message"] = "Hello" } },
        ["metadata"] = new JsonObject { ["created_at_unix_secs"] = 1764000000 },
        ["platform_settings"] = new JsonObject
        {
            ["auth"] = new JsonObject { ["enable_auth"] = AgentEnableAuth, ["allowlist"] = new JsonArray() },
        },
    }.ToJsonString();

    /// <summary>Every agent request gets this answer (an error or a slow one), whatever the key.</summary>
    public void AgentAnswers(int status, string body, TimeSpan? delay = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }

        Server.Given(Request.Create().WithPath(AgentsPath + "*").UsingGet()).AtPriority(1).RespondWith(response);
    }

    /// <summary>
    /// A cold start's first call: the first agent request (with the right key) answers as usual, but only after
    /// <paramref name="delay"/>; every later one at once.
    /// </summary>
    public void AgentSlowOnlyFirst(TimeSpan delay)
    {
        var calls = 0;
        Server.Given(Request.Create().WithPath(AgentsPath + AgentId).UsingGet().WithHeader(headers => headers.TryGetValue("xi-api-key", out var values) && values.Contains(ApiKey)))
            .AtPriority(1)
            .RespondWith(Response.Create().WithCallback(async _ =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    await Task.Delay(delay);
                }

                return (WireMock.IResponseMessage)new WireMock.ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData { BodyAsString = AgentBody(), DetectedBodyType = WireMock.Types.BodyType.String },
                };
            }));
    }

    /// <summary>Every token request gets this answer, whatever the key.</summary>
    public void TokenAnswers(int status, string body) =>
        Server.Given(Request.Create().WithPath(TokenPath).UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    /// <summary>Every signed-URL request gets this answer (an error, a slow or an odd one), whatever the key.</summary>
    public void Answers(int status, string body, TimeSpan? delay = null, string? retryAfter = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
        if (retryAfter is not null)
        {
            response = response.WithHeader("Retry-After", retryAfter);
        }

        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }

        Server.Given(Request.Create().WithPath(SignedUrlPath).UsingGet()).AtPriority(1).RespondWith(response);
    }

    /// <summary>Every signed-URL request first runs <paramref name="hold"/> (it may block): true gets a signed URL, false a 401.</summary>
    public void HoldsThenAnswers(Func<bool> hold) => HoldsThenAnswers(() => Task.FromResult(hold()));

    /// <summary>Every signed-URL request first awaits <paramref name="hold"/> (holding no thread meanwhile): true gets a signed URL, false a 401.</summary>
    public void HoldsThenAnswers(Func<Task<bool>> hold)
    {
        Server.Given(Request.Create().WithPath(SignedUrlPath).UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithCallback(async _ =>
            {
                var allowed = await hold();
                return (WireMock.IResponseMessage)new WireMock.ResponseMessage
                {
                    StatusCode = allowed ? 200 : 401,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData
                    {
                        BodyAsString = allowed ? $$"""{"signed_url":"{{SignedUrl}}"}""" : """{"detail":{"status":"held","message":"held too long"}}""",
                        DetectedBodyType = WireMock.Types.BodyType.String,
                    },
                };
            }));
    }

    /// <summary>The first request fails with <paramref name="status"/>; later ones succeed as usual.</summary>
    public void FailsOnce(int status)
    {
        Server.Given(Request.Create().WithPath(SignedUrlPath).UsingGet()).InScenario("once").WillSetStateTo("failed")
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(status).WithBody("""{"detail":"boom"}"""));
    }

    public IReadOnlyList<WireMock.Logging.ILogEntry> TokenRequests =>
        [.. Server.LogEntries.Where(e => e.RequestMessage.Path == TokenPath)];

    public IReadOnlyList<WireMock.Logging.ILogEntry> SignedUrlRequests =>
        [.. Server.LogEntries.Where(e => e.RequestMessage.Path == SignedUrlPath)];

    public IReadOnlyList<WireMock.Logging.ILogEntry> AgentRequests =>
        [.. Server.LogEntries.Where(e => e.RequestMessage.Path.StartsWith(AgentsPath, StringComparison.Ordinal))];

    public static Task<ElevenLabsStandIn> StartAsync() => Task.FromResult(new ElevenLabsStandIn());

    /// <summary>The app on this stand-in, sessions in memory: <see cref="Support.Settings.For"/>.</summary>
    public Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra) => Support.Settings.For(this, extra);

    public const string ConversationsPath = "/v1/convai/conversations/";

    /// <summary>
    /// <c>GET /v1/convai/conversations/{id}</c> answers this conversation to the right key, in ElevenLabs' shape
    /// (status, transcript, metadata, analysis). <paramref name="hold"/>, if given, runs first (it may block);
    /// false turns the answer into a 503.
    /// </summary>
    public void Conversation(string id, string status, DateTimeOffset startedAt, long durationSecs = 754, string callSuccessful = "success",
        string summary = "The candidate walked through two projects and asked about the team.", string terminationReason = "end_call tool was called.",
        Func<bool>? hold = null)
    {
        var body = $$"""
            {"agent_id":"EVQJtCNSo0L6uHQnImQu","conversation_id":"{{id}}","status":"{{status}}",
             "transcript":[{"role":"agent","message":"Hello, shall we start?","time_in_call_secs":0},
                           {"role":"user","message":"Yes, please.","time_in_call_secs":3}],
             "metadata":{"start_time_unix_secs":{{startedAt.ToUnixTimeSeconds()}},"call_duration_secs":{{durationSecs}},"cost":512,
                         "termination_reason":"{{terminationReason}}"},
             "analysis":{"evaluation_criteria_results":{},"data_collection_results":{},
                         "call_successful":"{{callSuccessful}}","transcript_summary":"{{summary}}"},
             "conversation_initiation_client_data":{"dynamic_variables":{} },"has_audio":true}
            """;
        Server.Given(Request.Create().WithPath(ConversationsPath + id).UsingGet()
                .WithHeader(headers => headers.TryGetValue("xi-api-key", out var values) && values.Contains(ApiKey)))
            .AtPriority(20)
            .RespondWith(Response.Create().WithCallback(_ =>
            {
                var allowed = hold?.Invoke() ?? true;
                return new WireMock.ResponseMessage
                {
                    StatusCode = allowed ? 200 : 503,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData
                    {
                        BodyAsString = allowed ? body : """{"detail":{"status":"held","message":"held too long"}}""",
                        DetectedBodyType = WireMock.Types.BodyType.String,
                    },
                };
            }));
    }

    /// <summary><c>GET /v1/convai/conversations/{id}</c> always answers this (an error, say), whatever the id.</summary>
    public void ConversationsAnswer(int status, string body) =>
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher(ConversationsPath + "*")).UsingGet())
            .AtPriority(2)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    public IReadOnlyList<WireMock.Logging.ILogEntry> ConversationRequests =>
        [.. Server.LogEntries.Where(e => e.RequestMessage.Path.StartsWith(ConversationsPath, StringComparison.Ordinal))];

    /// <summary>A conversation id ElevenLabs does not know: 404 in its error shape (401 for a wrong key).</summary>
    private void ServeUnknownConversations()
    {
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher(ConversationsPath + "*")).UsingGet())
            .AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""{"detail":{"status":"invalid_api_key","message":"Invalid API key"}}"""));
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher(ConversationsPath + "*")).UsingGet()
                .WithHeader(headers => headers.TryGetValue("xi-api-key", out var values) && values.Contains(ApiKey)))
            .AtPriority(90)
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json")
                .WithBody("""{"detail":{"status":"conversation_not_found","message":"Conversation not found"}}"""));
    }

    public void Dispose() => Server.Stop();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

internal static class ResponseDelays
{
    /// <summary>WireMock refuses a zero delay: no delay then.</summary>
    public static WireMock.ResponseBuilders.IResponseBuilder Delayed(this WireMock.ResponseBuilders.IResponseBuilder response, TimeSpan delay) =>
        delay > TimeSpan.Zero ? response.WithDelay(delay) : response;
}
