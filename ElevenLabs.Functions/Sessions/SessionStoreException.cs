namespace ElevenLabs.Functions.Sessions;

/// <summary>The session store could not do what was asked. The message never holds a credential.</summary>
public sealed class SessionStoreException(SessionStoreFailure failure, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public SessionStoreFailure Failure { get; } = failure;
}
