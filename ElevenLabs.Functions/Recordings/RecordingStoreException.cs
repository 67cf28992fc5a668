namespace ElevenLabs.Functions.Recordings;

/// <summary>
/// Blob Storage did not do what was asked. <see cref="Transient"/>: it was unreachable, busy or failing (a 503 with
/// <c>Retry-After</c> for the client); otherwise it refused (a missing role, say). Never holds a key or a link.
/// </summary>
public sealed class RecordingStoreException(bool transient, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public bool Transient { get; } = transient;
}
