namespace ElevenLabs.Functions.Sessions;

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
