namespace ElevenLabs.Functions.Sessions;

/// <summary>A create found the id taken, or a conditional update found the session changed.</summary>
public sealed class SessionConflictException(string conversationId, string message)
    : Exception(message)
{
    public string ConversationId { get; } = conversationId;
}
