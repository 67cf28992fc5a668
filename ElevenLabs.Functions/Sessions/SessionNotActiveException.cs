namespace ElevenLabs.Functions.Sessions;

/// <summary>The session exists but can no longer be used for the requested action.</summary>
public sealed class SessionNotActiveException(string conversationId, string status)
    : Exception($"Conversation session '{conversationId}' is {status}.")
{
    public string Status { get; } = status;
}
