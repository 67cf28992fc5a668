using System.Text.Json.Serialization;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>The answer of <c>GET /v1/workspace/webhooks</c>, as elevenlabs-python's <c>WorkspaceWebhookResponseModel</c> names its fields.</summary>
internal sealed record WorkspaceWebhooksResponse([property: JsonPropertyName("webhooks")] List<WorkspaceWebhookWire?>? Webhooks);

internal sealed record WorkspaceWebhookWire(
    [property: JsonPropertyName("webhook_url")] string? WebhookUrl,
    [property: JsonPropertyName("is_disabled")] bool? IsDisabled,
    [property: JsonPropertyName("is_auto_disabled")] bool? IsAutoDisabled,
    [property: JsonPropertyName("most_recent_failure_error_code")] int? MostRecentFailureErrorCode);

[JsonSerializable(typeof(WorkspaceWebhooksResponse))]
internal sealed partial class WorkspaceWebhooksJsonContext : JsonSerializerContext;
