using System.Text.Json;
using ElevenLabs.Functions.Sessions;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>A signed WebSocket URL (a credential for 15 minutes) and ElevenLabs' conversation id, if it carried one.</summary>
public sealed record SignedUrl(string Url, string? ConversationId)
{
    /// <summary>The URL without its query (where the token lives): safe to log.</summary>
    public string Redacted => Redact(Url);

    public override string ToString() => Redacted;

    public static string Redact(string url)
    {
        var query = url.IndexOfAny(['?', '#']);
        return query < 0 ? url : url[..query] + "?[redacted]";
    }
}

/// <summary>
/// A WebRTC conversation token: a credential, so it never prints. <see cref="ConversationId"/>: the call's ElevenLabs
/// conversation id, when the token answer carries it beside <c>token</c>.
/// </summary>
public sealed record ConversationToken(string Value, string? ConversationId = null)
{
    public override string ToString() => "[redacted]";
}

/// <summary>
/// What <c>GET /v1/convai/agents/{agent_id}</c> says of the agent's security: <see cref="EnableAuth"/> is
/// <c>platform_settings.auth.enable_auth</c> (true: conversations need a signed URL or token from a server holding
/// the API key; false or absent: anyone who knows the agent id can start one).
/// </summary>
public sealed record ElevenLabsAgent(string AgentId, bool EnableAuth);

/// <summary>
/// One workspace webhook as <c>GET /v1/workspace/webhooks</c> reports it: ElevenLabs disables one by hand
/// (<see cref="IsDisabled"/>) or by itself after repeated failed deliveries (<see cref="IsAutoDisabled"/>, with the
/// last failure's HTTP status in <see cref="MostRecentFailureErrorCode"/>).
/// </summary>
public sealed record WorkspaceWebhook(string WebhookUrl, bool IsDisabled, bool IsAutoDisabled, int? MostRecentFailureErrorCode);

/// <summary>What <c>GET /v1/convai/conversations/{id}</c> says of one conversation.</summary>
public sealed record ElevenLabsConversation
{
    public required string ConversationId { get; init; }

    /// <summary><c>initiated</c>, <c>in-progress</c>, <c>processing</c>, <c>done</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>
    /// Its status, <c>metadata</c> (duration, termination reason, start) and <c>analysis</c> (success, summary): what a
    /// session keeps as its <c>lastCall</c>.
    /// </summary>
    public required CallSummary Summary { get; init; }

    /// <summary><c>has_audio</c>: ElevenLabs has the call's recording (<c>GET .../audio</c> answers it).</summary>
    public bool HasAudio { get; init; }

    /// <summary>
    /// The answer as it came (<c>conversation_initiation_client_data</c> and all): the same shape as a
    /// <c>post_call_transcription</c> event's <c>data</c>, so a call can be recorded from either the same way.
    /// </summary>
    public JsonElement Document { get; init; }

    /// <summary>The call is over and ElevenLabs has finished with it: <c>done</c> or <c>failed</c>.</summary>
    public bool IsFinished => Status is "done" or "failed";

    /// <summary>The call is starting, running, or being analysed: <c>initiated</c>, <c>in-progress</c>, <c>processing</c>.</summary>
    public bool IsRunning => Status is "initiated" or "in-progress" or "processing";
}
