namespace ElevenLabs.Functions.Api;

/// <summary>get_session.</summary>
public sealed record SessionDetailsResponse(bool Success, string ConversationId, SessionDetails Data);
