using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>The parts of <c>GET /v1/convai/conversations/{id}</c>'s answer the app reads (numbers may come as floats).</summary>
internal sealed record ConversationDetailsResponse(
    [property: JsonPropertyName("conversation_id")] string? ConversationId,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("metadata")] ConversationMetadataWire? Metadata,
    [property: JsonPropertyName("analysis")] ConversationAnalysisWire? Analysis);

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
internal sealed partial class ConversationDetailsJsonContext : JsonSerializerContext;
