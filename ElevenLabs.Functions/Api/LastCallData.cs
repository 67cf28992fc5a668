namespace ElevenLabs.Functions.Api;

/// <summary>The session's latest call as ElevenLabs reported it.</summary>
public sealed record LastCallData(
    string ElevenLabsConversationId,
    string? Status,
    long? CallDurationSecs,
    string? CallSuccessful,
    string? TranscriptSummary,
    string? TerminationReason,
    DateTime? StartedAt);
