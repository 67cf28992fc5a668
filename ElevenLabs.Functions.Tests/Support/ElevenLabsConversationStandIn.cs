using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ElevenLabs.Functions.Tests.Support;

/// <summary>
/// ElevenLabs' signed-URL endpoint and the conversation socket it points at, on loopback. The socket speaks the
/// documented start of a conversation, as <c>@elevenlabs/client</c> 1.25.0 reads it: the client opens
/// <c>{signedUrl}&amp;source=js_sdk&amp;version=...</c> with subprotocol <c>convai</c> and sends
/// <c>conversation_initiation_client_data</c> (its <c>dynamic_variables</c>, <c>user_id</c>, ...); the server answers
/// <c>conversation_initiation_metadata</c> (conversation id, audio formats), then <c>agent_response</c> and <c>ping</c>,
/// which the client answers with <c>pong</c>. Each signature is accepted once.
/// </summary>
public sealed class ElevenLabsConversationStandIn : IAsyncDisposable
{
    public const string SignedUrlPath = "/v1/convai/conversation/get-signed-url";
    public const string SocketPath = "/v1/convai/conversation";
    public const string AgentGreeting = "Hello! Thanks for joining. Tell me about your last project.";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _signatures = new(); // signature -> conversation id
    private readonly ConcurrentDictionary<string, Call> _calls = new();
    private int _next;

    private ElevenLabsConversationStandIn(WebApplication app) => _app = app;

    public string ApiKey { get; } = "sk_test_" + Guid.NewGuid().ToString("N");
    public Uri Url => _app.Address();

    /// <summary>Socket connections refused: an unknown or reused signature.</summary>
    public ConcurrentQueue<string> Refused { get; } = new();

    /// <summary>Every conversation that connected, in order.</summary>
    public IReadOnlyList<Call> Calls => [.. _calls.Values.OrderBy(c => c.Started)];

    public static async Task<ElevenLabsConversationStandIn> StartAsync()
    {
        var app = Loopback.NewApp();
        var standIn = new ElevenLabsConversationStandIn(app);
        app.UseWebSockets();
        app.MapGet(SignedUrlPath, standIn.IssueSignedUrl);
        app.Map(SocketPath, standIn.ConverseAsync);
        await app.StartAsync();
        return standIn;
    }

    private IResult IssueSignedUrl(HttpContext context)
    {
        if (context.Request.Headers["xi-api-key"] != ApiKey)
        {
            return Results.Json(new { detail = new { status = "invalid_api_key", message = "Invalid API key" } }, statusCode: 401);
        }

        var agentId = context.Request.Query["agent_id"].ToString();
        var conversationId = $"conv_el_{Interlocked.Increment(ref _next):D3}_{Guid.NewGuid():N}"[..28];
        var signature = Guid.NewGuid().ToString("N");
        _signatures[signature] = conversationId;
        var url = $"ws://{Url.Authority}{SocketPath}?agent_id={Uri.EscapeDataString(agentId)}&conversation_signature={signature}&conversation_id={conversationId}";
        return Results.Json(new { signed_url = url });
    }

    private async Task ConverseAsync(HttpContext context)
    {
        var signature = context.Request.Query["conversation_signature"].ToString();
        if (!context.WebSockets.IsWebSocketRequest || !_signatures.TryRemove(signature, out var conversationId))
        {
            Refused.Enqueue(signature);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync("convai");
        var call = new Call(conversationId, signature, context.Request.QueryString.Value ?? "", socket);
        _calls[conversationId] = call;
        var first = await ReceiveAsync(socket, call);
        if (first?["type"]?.GetValue<string>() != "conversation_initiation_client_data")
        {
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "expected conversation_initiation_client_data", CancellationToken.None);
            return;
        }

        call.ClientData = first;
        await SendAsync(socket, new JsonObject
        {
            ["type"] = "conversation_initiation_metadata",
            ["conversation_initiation_metadata_event"] = new JsonObject
            {
                ["conversation_id"] = conversationId,
                ["agent_output_audio_format"] = "pcm_16000",
                ["user_input_audio_format"] = "pcm_16000",
            },
        });
        await SendAsync(socket, new JsonObject
        {
            ["type"] = "agent_response",
            ["agent_response_event"] = new JsonObject { ["agent_response"] = AgentGreeting, ["event_id"] = 1 },
        });
        await SendAsync(socket, new JsonObject { ["type"] = "ping", ["ping_event"] = new JsonObject { ["event_id"] = 2, ["ping_ms"] = 25 } });

        while (socket.State == WebSocketState.Open)
        {
            var message = await ReceiveAsync(socket, call);
            if (message?["type"]?.GetValue<string>() == "pong" && message["event_id"]?.GetValue<int>() == 2)
            {
                call.Ponged.TrySetResult();
            }
        }

        call.Ended.TrySetResult();
    }

    /// <summary>The next JSON message, or null once the client closed (its close is recorded).</summary>
    private static async Task<JsonObject?> ReceiveAsync(WebSocket socket, Call call)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                return null;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                call.ClosedByClient = result.CloseStatus;
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                }

                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                Interlocked.Increment(ref call.MessagesReceived);
                try
                {
                    return JsonNode.Parse(message.ToArray()) as JsonObject ?? [];
                }
                catch (JsonException)
                {
                    return [];
                }
            }
        }
    }

    private static Task SendAsync(WebSocket socket, JsonObject message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One conversation on the socket.</summary>
    public sealed class Call(string conversationId, string signature, string query, WebSocket socket)
    {
        public string ConversationId { get; } = conversationId;
        public string Signature { get; } = signature;

        /// <summary>The query the client opened the socket with (the signed URL's, plus the SDK's source and version).</summary>
        public string Query { get; } = query;

        public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

        /// <summary>The client's <c>conversation_initiation_client_data</c>.</summary>
        public JsonObject? ClientData { get; set; }

        public TaskCompletionSource Ponged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public WebSocketCloseStatus? ClosedByClient { get; set; }
        public int MessagesReceived;

        /// <summary>The network drops the call: the socket goes away without a close handshake.</summary>
        public void Drop() => socket.Abort();
    }
}
