namespace ElevenLabs.Functions.Sessions;

/// <summary>
/// A call as stored with its session (<c>conversation-sessions/{id}/calls/{elevenLabsConversationId}</c>), with the
/// store's version of its document and how many transcript part documents it has (for a replacement that must remove
/// the surplus ones).
/// </summary>
public sealed record StoredCall(CallRecord Call, int TranscriptParts, string Version);
