namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>ElevenLabs did not do what was asked. The message holds ElevenLabs' own status and message, never the key.</summary>
public sealed class ElevenLabsException(
    ElevenLabsFailure failure,
    string message,
    TimeSpan? retryAfter = null,
    Exception? innerException = null) : Exception(message, innerException)
{
    public ElevenLabsFailure Failure { get; } = failure;

    /// <summary>How long to wait before trying again, when known: ElevenLabs' own <c>Retry-After</c>, or an open circuit's break.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
