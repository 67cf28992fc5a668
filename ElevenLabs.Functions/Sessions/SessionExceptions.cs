namespace ElevenLabs.Functions.Sessions;

/// <summary>No session has the requested id (or the caller may not use it, or it is being erased: <see cref="Deleting"/>).</summary>
public sealed class SessionNotFoundException(string conversationId, bool deleting = false)
    : Exception(deleting ? $"Conversation session '{conversationId}' is being deleted." : $"Conversation session '{conversationId}' was not found.")
{
    /// <summary>The caller's own session, marked <c>deleting</c>: gone for every action but <c>delete_session</c>.</summary>
    public bool Deleting => deleting;
}

/// <summary>The session exists but can no longer be used for the requested action.</summary>
public sealed class SessionNotActiveException(string conversationId, string status)
    : Exception($"Conversation session '{conversationId}' is {status}.")
{
    public string Status { get; } = status;
}

/// <summary>
/// An erasure stopped midway because <paramref name="dependency"/> failed: the session stays marked <c>deleting</c>,
/// and a retry of <c>delete_session</c> or the next sweep finishes it. <see cref="Exception.InnerException"/> is the failure.
/// </summary>
public sealed class SessionErasureException(string conversationId, string dependency, bool transient, Exception innerException)
    : Exception($"The erasure of session '{conversationId}' stopped: {dependency} failed. It is marked deleting and finished by a retry or the next sweep.", innerException)
{
    public string ConversationId => conversationId;

    /// <summary>What failed: <c>ElevenLabs</c>, <c>Blob Storage</c> or <c>the session store</c>.</summary>
    public string Dependency => dependency;

    /// <summary>Whether the failure looks passing (an outage, a time-out, 5xx, 429) rather than a refusal.</summary>
    public bool Transient => transient;
}
