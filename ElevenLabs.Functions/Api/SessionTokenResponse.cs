namespace ElevenLabs.Functions.Api;

/// <summary>get_conversation_token: the session, the WebRTC token to connect with and what to pass to <c>startSession</c>.</summary>
public sealed record SessionTokenResponse(
    bool Success, string ConversationId, string ConversationToken, SessionData Data, ConversationInitiation ConversationInitiation);
