namespace ElevenLabs.Functions.Sessions;

/// <summary>No session has the requested id (or the caller may not use it, or it is being erased: <see cref="Deleting"/>).</summary>
public sealed class SessionNotFoundException(string conversationId, bool deleting = false)
    : Exception(deleting ? $"Conversation session '{conversationId}' is being deleted." : $"Conversation session '{conversationId}' was not found.")
{
    /// <summary>The caller's own session, marked <c>deleting</c>: gone for every action but <c>delete_session</c>.</summary>
    public bool Deleting => deleting;
}
