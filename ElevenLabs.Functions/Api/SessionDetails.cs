namespace ElevenLabs.Functions.Api;

/// <summary>get_session's <c>data</c>: the session's state and its calls' ids and outcome, never the transcript.</summary>
public sealed record SessionDetails(
    string ConversationId,
    string AgentId,
    string Status,
    DateTime CreatedAt,
    DateTime? EndedAt,
    string? EndedBy,
    IReadOnlyList<string> ElevenLabsConversationIds,
    LastCallData? LastCall);
