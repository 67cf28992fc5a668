namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>
/// One workspace webhook as <c>GET /v1/workspace/webhooks</c> reports it: ElevenLabs disables one by hand
/// (<see cref="IsDisabled"/>) or by itself after repeated failed deliveries (<see cref="IsAutoDisabled"/>, with the
/// last failure's HTTP status in <see cref="MostRecentFailureErrorCode"/>).
/// </summary>
public sealed record WorkspaceWebhook(string WebhookUrl, bool IsDisabled, bool IsAutoDisabled, int? MostRecentFailureErrorCode);
