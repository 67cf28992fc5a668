namespace ElevenLabs.Functions.Api;

/// <summary>end_session.</summary>
public sealed record SessionEndedResponse(bool Success, string ConversationId, SessionData Data);
