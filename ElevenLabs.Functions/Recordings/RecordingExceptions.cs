namespace ElevenLabs.Functions.Recordings;

/// <summary>Recordings are off (neither <c>Recordings:BlobServiceUri</c> nor <c>Recordings:ConnectionString</c> is set): a client's 4xx, not a failure.</summary>
public sealed class RecordingsDisabledException() : Exception(
    "Recordings are off on this deployment: set Recordings:BlobServiceUri (Azure) or Recordings:ConnectionString (local runs) to keep them.");

/// <summary>The session has no stored recording of that ElevenLabs conversation (yet): a 404 for the client.</summary>
public sealed class RecordingNotFoundException(string sessionId, string elevenLabsConversationId)
    : Exception($"Session '{sessionId}' has no stored recording of ElevenLabs conversation '{elevenLabsConversationId}'.");

/// <summary>
/// Blob Storage did not do what was asked. <see cref="Transient"/>: it was unreachable, busy or failing (a 503 with
/// <c>Retry-After</c> for the client); otherwise it refused (a missing role, say). Never holds a key or a link.
/// </summary>
public sealed class RecordingStoreException(bool transient, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public bool Transient { get; } = transient;
}
