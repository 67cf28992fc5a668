namespace ElevenLabs.Functions.Store;

/// <summary>The session store could not do what was asked. The message never holds a credential.</summary>
public sealed class SessionStoreException(SessionStoreFailure failure, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public SessionStoreFailure Failure { get; } = failure;

    /// <summary>
    /// A create whose outcome stayed unknown after the retries (its answer lost or late, and the read-back failed too):
    /// the session may or may not be stored, and counted.
    /// </summary>
    public bool OutcomeUnknown { get; init; }
}

/// <summary>Why the session store failed: what the caller is told and whether trying again may help.</summary>
public enum SessionStoreFailure
{
    /// <summary>Transient: the store was unavailable, busy or timed out (after retries).</summary>
    Unavailable,

    /// <summary>The app's identity may not use the store (a configuration problem).</summary>
    PermissionDenied,

    /// <summary>Anything else the store refused or answered unexpectedly.</summary>
    Failed,
}

/// <summary>A create found the id taken, or a conditional update found the session changed.</summary>
public sealed class SessionConflictException(string conversationId, string message)
    : Exception(message)
{
    public string ConversationId { get; } = conversationId;
}
