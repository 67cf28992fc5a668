namespace ElevenLabs.Functions.Recordings;

/// <summary>One recording kept for a session: the ElevenLabs conversation it is of, its size, when it was written.</summary>
public sealed record StoredRecording(string ElevenLabsConversationId, long Bytes, DateTimeOffset? WrittenAt);
