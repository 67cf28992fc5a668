namespace ElevenLabs.Functions.Api;

/// <summary>delete_session: the session is gone, and what this request removed.</summary>
public sealed record SessionDeletedResponse(bool Success, string ConversationId, SessionDeletedData Data);

/// <param name="Status">Always <c>deleted</c>.</param>
public sealed record SessionDeletedData(string ConversationId, string Status, ErasedCounts Removed);

/// <summary>How many of each were deleted by this request (a retry that finishes an earlier one counts what was left).</summary>
public sealed record ErasedCounts(int ElevenLabsConversations, int Recordings, int Calls, int TranscriptParts);
