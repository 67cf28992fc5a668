namespace ElevenLabs.Functions.Api;

/// <summary>An authentic webhook event was taken: its type, and whether a session was found for a call.</summary>
public sealed record WebhookAcknowledged(bool Success, string Type, bool Matched);
