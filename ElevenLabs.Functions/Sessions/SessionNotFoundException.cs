namespace ElevenLabs.Functions.Sessions;

/// <summary>No session has the requested id.</summary>
public sealed class SessionNotFoundException(string conversationId)
    : Exception($"Conversation session '{conversationId}' was not found.")
{
}
