using System.Text.Json;
using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>The answer of <c>GET /v1/convai/conversation/get-signed-url</c>.</summary>
internal sealed record SignedUrlResponse(
    [property: JsonPropertyName("signed_url")] string? SignedUrl,
    [property: JsonPropertyName("conversation_id")] string? ConversationId);

/// <summary>The answer of <c>GET /v1/convai/conversation/token</c>.</summary>
internal sealed record ConversationTokenResponse(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("conversation_id")] string? ConversationId);

/// <summary>ElevenLabs' error body: <c>detail</c> is an object, a string or a 422 list.</summary>
internal sealed record ElevenLabsErrorBody([property: JsonPropertyName("detail")] JsonElement Detail);

[JsonSerializable(typeof(SignedUrlResponse))]
[JsonSerializable(typeof(ConversationTokenResponse))]
[JsonSerializable(typeof(ElevenLabsErrorBody))]
internal sealed partial class ElevenLabsJsonContext : JsonSerializerContext;

/// <summary>The answer of <c>GET /v1/workspace/webhooks</c>, as elevenlabs-python's <c>WorkspaceWebhookResponseModel</c> names its fields.</summary>
internal sealed record WorkspaceWebhooksResponse([property: JsonPropertyName("webhooks")] List<WorkspaceWebhookWire?>? Webhooks);

internal sealed record WorkspaceWebhookWire(
    [property: JsonPropertyName("webhook_url")] string? WebhookUrl,
    [property: JsonPropertyName("is_disabled")] bool? IsDisabled,
    [property: JsonPropertyName("is_auto_disabled")] bool? IsAutoDisabled,
    [property: JsonPropertyName("most_recent_failure_error_code")] int? MostRecentFailureErrorCode);

[JsonSerializable(typeof(WorkspaceWebhooksResponse))]
internal sealed partial class WorkspaceWebhooksJsonContext : JsonSerializerContext;

/// <summary>
/// The parts of <c>GET /v1/convai/conversations/{id}</c>'s answer the app reads typed, as elevenlabs-python's
/// <c>GetConversationResponseModel</c> names them (numbers may come as floats). The transcript and the analysis'
/// results are read from the answer as it came (<see cref="ElevenLabsConversation.Document"/>), as from a webhook.
/// </summary>
internal sealed record ConversationDetailsResponse(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("metadata")] ConversationMetadataWire? Metadata,
    [property: JsonPropertyName("analysis")] ConversationAnalysisWire? Analysis,
    [property: JsonPropertyName("has_audio")] bool? HasAudio);

internal sealed record ConversationMetadataWire(
    [property: JsonPropertyName("start_time_unix_secs")] double? StartTimeUnixSecs,
    [property: JsonPropertyName("call_duration_secs")] double? CallDurationSecs,
    [property: JsonPropertyName("termination_reason")] string? TerminationReason);

internal sealed record ConversationAnalysisWire(
    [property: JsonPropertyName("call_successful")] string? CallSuccessful,
    [property: JsonPropertyName("transcript_summary")] string? TranscriptSummary);

/// <summary>The answer of <c>GET /v1/convai/agents/{agent_id}</c>, as far as <c>platform_settings.auth</c>.</summary>
internal sealed record AgentResponse(
    [property: JsonPropertyName("agent_id")] string? AgentId,
    [property: JsonPropertyName("platform_settings")] AgentPlatformSettingsWire? PlatformSettings);

internal sealed record AgentPlatformSettingsWire([property: JsonPropertyName("auth")] AgentAuthWire? Auth);

internal sealed record AgentAuthWire([property: JsonPropertyName("enable_auth")] bool? EnableAuth);

[JsonSerializable(typeof(ConversationDetailsResponse))]
[JsonSerializable(typeof(AgentResponse))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ConversationDetailsJsonContext : JsonSerializerContext;
