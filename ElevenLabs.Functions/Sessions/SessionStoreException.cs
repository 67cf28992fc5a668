namespace ElevenLabs.Functions.Sessions;

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
