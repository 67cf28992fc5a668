namespace ElevenLabs.Functions.Webhooks;

/// <summary>A webhook body went over <see cref="WebhookBody.MaxBytes"/>; reading stopped there.</summary>
public sealed class WebhookBodyTooLargeException()
    : Exception($"The webhook body is larger than {WebhookBody.MaxBytes / (1024 * 1024)} MiB.");
