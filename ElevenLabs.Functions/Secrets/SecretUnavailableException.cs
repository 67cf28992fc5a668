namespace ElevenLabs.Functions.Secrets;

/// <summary>The secret store could not be read (unreachable, forbidden, missing). Never holds a value.</summary>
public sealed class SecretUnavailableException(SecretKind kind, string message, bool transient = true, Exception? innerException = null)
    : Exception(message, innerException)
{
    public SecretKind Kind { get; } = kind;

    /// <summary>True when trying again later may help (unreachable, throttled); false for a refusal (403).</summary>
    public bool Transient { get; } = transient;
}
