namespace ElevenLabs.Functions.Recordings;

/// <summary>The session has no stored recording of that ElevenLabs conversation (yet): a 404 for the client.</summary>
public sealed class RecordingNotFoundException(string sessionId, string elevenLabsConversationId)
    : Exception($"Session '{sessionId}' has no stored recording of ElevenLabs conversation '{elevenLabsConversationId}'.");
