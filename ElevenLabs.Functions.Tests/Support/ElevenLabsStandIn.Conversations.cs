using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// The stand-in's conversations and WebRTC tokens, as ElevenLabs' API reference and elevenlabs-python
/// document them: <c>GET /v1/convai/conversations/{id}</c> (<c>GetConversationResponseModel</c>: status, transcript[],
/// metadata, analysis, conversation_initiation_client_data, has_audio), <c>GET .../{id}/audio</c> (the MP3 bytes,
/// <c>audio/mpeg</c>, chunked; 404 when the call has no audio), <c>DELETE .../{id}</c> (<c>{"status":"ok"}</c>, then 404);
/// the token answer's <c>conversation_id</c> beside <c>token</c>.
/// Each needs the right <c>xi-api-key</c> (401 in ElevenLabs' error shape otherwise).
/// </summary>
public sealed partial class ElevenLabsStandIn
{
    private readonly ConcurrentDictionary<string, StoredConversation> _conversations = new();
    private readonly ConcurrentQueue<string> _deleted = new();
    private readonly ConcurrentDictionary<string, int> _deleteFailures = new();

    /// <summary>
    /// Every <c>DELETE</c> of conversation <paramref name="id"/> answers <paramref name="status"/> (503: ElevenLabs'
    /// outage shape, with <c>Retry-After</c>) until <see cref="HealDeletes"/> or a reset; other ids are deleted as usual.
    /// </summary>
    public void FailDeletesOf(string id, int status = 503) => _deleteFailures[id] = status;

    /// <summary>DELETEs are answered as usual again.</summary>
    public void HealDeletes() => _deleteFailures.Clear();

    /// <summary>Whether token answers carry a fresh <c>conversation_id</c> beside <c>token</c> (as ElevenLabs' do since mid-2026).</summary>
    public bool TokensCarryConversationIds { get; set; } = true;

    /// <summary>The conversation ids token answers handed out, in order.</summary>
    public ConcurrentQueue<string> TokenConversationIds { get; } = new();

    /// <summary>Conversation ids a <c>DELETE</c> removed, in order.</summary>
    public IReadOnlyList<string> DeletedConversations => [.. _deleted];

    /// <summary>The conversations the stand-in holds (a DELETE removes one).</summary>
    public bool HasConversation(string id) => _conversations.ContainsKey(id);

    /// <summary>
    /// ElevenLabs holds this conversation (replacing one of the same id): <c>GET</c> answers it, with the recording
    /// <paramref name="audio"/> (null: <c>has_audio</c> false, the audio endpoint 404).
    /// </summary>
    public void StoreConversation(string id, string status = "done", byte[]? audio = null, DateTimeOffset? startedAt = null,
        long durationSecs = 754, string? sessionId = null, string summary = "The candidate walked through two projects and asked about the team.")
    {
        var start = (startedAt ?? DateTimeOffset.UtcNow.AddMinutes(-15)).ToUnixTimeSeconds();
        var body = new JsonObject
        {
            ["agent_id"] = AgentId,
            ["conversation_id"] = id,
            ["status"] = status,
            ["user_id"] = null,
            ["transcript"] = new JsonArray
            {
                new JsonObject { ["role"] = "agent", ["message"] = "Hello, shall we start?", ["time_in_call_secs"] = 0 },
                new JsonObject { ["role"] = "user", ["message"] = "Yes, please.", ["time_in_call_secs"] = 3 },
                new JsonObject { ["role"] = "agent", ["message"] = "Tell me about your last project.", ["time_in_call_secs"] = 5.5 },
            },
            ["metadata"] = new JsonObject
            {
                ["start_time_unix_secs"] = start,
                ["call_duration_secs"] = durationSecs,
                ["cost"] = 512,
                ["termination_reason"] = "end_call tool was called.",
                ["main_language"] = "en",
            },
            ["analysis"] = new JsonObject
            {
                ["evaluation_criteria_results"] = new JsonObject
                {
                    ["communication"] = new JsonObject { ["criteria_id"] = "communication", ["result"] = "success", ["rationale"] = "Clear and structured answers." },
                },
                ["data_collection_results"] = new JsonObject
                {
                    ["years_experience"] = new JsonObject { ["data_collection_id"] = "years_experience", ["value"] = 7, ["rationale"] = "Said seven years." },
                },
                ["call_successful"] = "success",
                ["transcript_summary"] = summary,
            },
            ["conversation_initiation_client_data"] = new JsonObject
            {
                ["dynamic_variables"] = sessionId is null ? new JsonObject() : new JsonObject { ["session_id"] = sessionId },
            },
            ["has_audio"] = audio is not null,
            ["has_user_audio"] = audio is not null,
            ["has_response_audio"] = audio is not null,
        };
        _conversations[id] = new StoredConversation(body.ToJsonString(), audio);
    }

    /// <summary>What <c>GET /v1/convai/conversations/{id}</c> answers for a stored conversation (a post-call event's <c>data</c> has the same shape).</summary>
    public JsonObject ConversationBody(string id) => JsonNode.Parse(_conversations[id].Json)!.AsObject();

    private sealed record StoredConversation(string Json, byte[]? Audio);

    private string TokenBody()
    {
        if (!TokensCarryConversationIds)
        {
            return JsonSerializer.Serialize(new Dictionary<string, string> { ["token"] = ConversationToken });
        }

        var id = "conv_el_" + Guid.NewGuid().ToString("N")[..16];
        TokenConversationIds.Enqueue(id);
        return JsonSerializer.Serialize(new Dictionary<string, string> { ["token"] = ConversationToken, ["conversation_id"] = id });
    }

    /// <summary>Conversations stored by <see cref="StoreConversation"/> answer (below <see cref="Conversation"/>'s, above the unknown-id 404).</summary>
    private void ResetConversations()
    {
        _conversations.Clear();
        _deleted.Clear();
        _deleteFailures.Clear();
        TokensCarryConversationIds = true;
        TokenConversationIds.Clear();
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher(ConversationsPath + "*")).UsingMethod("GET", "DELETE"))
            .AtPriority(40)
            .RespondWith(Response.Create().WithCallback(request => AnswerConversation(request.Method, request.Path,
                request.Headers is { } headers && headers.TryGetValue("xi-api-key", out var keys) && keys.Contains(ApiKey))));
    }

    private WireMock.ResponseMessage AnswerConversation(string method, string path, bool keyAccepted)
    {
        if (!keyAccepted)
        {
            return Json(401, """{"detail":{"status":"invalid_api_key","message":"Invalid API key"}}""");
        }

        var rest = path[ConversationsPath.Length..];
        var audio = rest.EndsWith("/audio", StringComparison.Ordinal);
        var id = audio ? rest[..^"/audio".Length] : rest;
        const string notFound = """{"detail":{"status":"conversation_not_found","message":"Conversation not found"}}""";
        if (id.Contains('/', StringComparison.Ordinal) || !_conversations.TryGetValue(id, out var stored))
        {
            return Json(404, notFound);
        }

        if (method == "DELETE" && !audio && _deleteFailures.TryGetValue(id, out var failure))
        {
            var busy = Json(failure, """{"detail":{"status":"service_unavailable","message":"The service is temporarily unavailable"}}""");
            busy.Headers!["Retry-After"] = new WireMock.Types.WireMockList<string>("7");
            return busy;
        }

        if (method == "DELETE")
        {
            if (audio || !_conversations.TryRemove(id, out _))
            {
                return Json(audio ? 405 : 404, audio ? """{"detail":"Method Not Allowed"}""" : notFound);
            }

            _deleted.Enqueue(id);
            return Json(200, """{"status":"ok"}""");
        }

        if (!audio)
        {
            return Json(200, stored.Json);
        }

        // A stored recording is served by ServeAudioStreaming before WireMock sees the request.
        return Json(404, """{"detail":{"status":"conversation_audio_not_found","message":"Audio not found for this conversation"}}""");
    }

    /// <summary>
    /// <c>GET .../{id}/audio</c> of a stored conversation with audio, to the right key: the MP3 bytes, <c>audio/mpeg</c>,
    /// chunked (no <c>Content-Length</c>), 64 KiB at a time, as a stream is served. Ahead of WireMock, whose byte bodies
    /// are written in one piece (copied whole into the server's output pipe), so these requests are not in its log;
    /// anything else (no audio, unknown id, wrong key) falls through to WireMock's answers.
    /// </summary>
    private void ServeAudioStreaming(object application) =>
        ((IApplicationBuilder)application).Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "";
            var id = path.StartsWith(ConversationsPath, StringComparison.Ordinal) && path.EndsWith("/audio", StringComparison.Ordinal)
                ? path[ConversationsPath.Length..^"/audio".Length]
                : null;
            if (id is null || !HttpMethods.IsGet(context.Request.Method) || context.Request.Headers["xi-api-key"] != ApiKey
                || !_conversations.TryGetValue(id, out var stored) || stored.Audio is not { } audio)
            {
                await next(context);
                return;
            }

            Interlocked.Increment(ref _audioRequests);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "audio/mpeg";
            for (var at = 0; at < audio.Length; at += 64 * 1024)
            {
                await context.Response.Body.WriteAsync(audio.AsMemory(at, Math.Min(64 * 1024, audio.Length - at)), context.RequestAborted);
            }
        });

    private int _audioRequests;

    /// <summary>Recordings served by the audio endpoint.</summary>
    public int AudioRequests => _audioRequests;
}
