namespace ElevenLabs.Functions.Api;

/// <summary>get_recording.</summary>
public sealed record RecordingLinkResponse(bool Success, string ConversationId, RecordingLinkData Data);

/// <param name="Url">A read-only link a browser's <c>&lt;audio&gt;</c> plays until <paramref name="ExpiresAt"/> (a credential: never logged).</param>
public sealed record RecordingLinkData(string ElevenLabsConversationId, string Url, DateTime ExpiresAt, string ContentType);
