namespace ElevenLabs.Functions.Api;

/// <summary>create_session and get_signed_url: the session, the URL to connect with and what to pass to <c>startSession</c>.</summary>
public sealed record SessionUrlResponse(bool Success, string ConversationId, string SignedUrl, SessionData Data, ConversationInitiation ConversationInitiation);
