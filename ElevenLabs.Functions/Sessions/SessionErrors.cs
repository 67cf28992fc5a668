namespace ElevenLabs.Functions.Sessions;

/// <summary>No session has the requested id.</summary>
public sealed class SessionNotFoundException(string conversationId)
    : Exception($"Conversation session '{conversationId}' was not found.")
{
    public string ConversationId { get; } = conversationId;
}

/// <summary>The session exists but can no longer be used for the requested action.</summary>
public sealed class SessionNotActiveException(string conversationId, string status)
    : Exception($"Conversation session '{conversationId}' is {status}.")
{
    public string ConversationId { get; } = conversationId;
    public string Status { get; } = status;
}

/// <summary>A create found the id taken, or a conditional update found the session changed.</summary>
public sealed class SessionConflictException(string conversationId, string message)
    : Exception(message)
{
    public string ConversationId { get; } = conversationId;
}

public enum SessionStoreFailure
{
    /// <summary>Transient: the store was unavailable, busy or timed out (after retries).</summary>
    Unavailable,

    /// <summary>The app's identity may not use the store (a configuration problem).</summary>
    PermissionDenied,

    /// <summary>Anything else the store refused or answered unexpectedly.</summary>
    Failed,
}

/// <summary>The session store could not do what was asked. The message never holds a credential.</summary>
public sealed class SessionStoreException(SessionStoreFailure failure, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public SessionStoreFailure Failure { get; } = failure;
}
