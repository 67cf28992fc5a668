namespace ElevenLabs.Functions.Api;

/// <summary>The <c>data</c> object of a success answer.</summary>
public sealed record SessionData(
    string ConversationId,
    string AgentId,
    string Status,
    DateTime CreatedAt,
    DateTime? EndedAt = null);
