namespace ElevenLabs.Functions.Secrets;

/// <summary>A secret is needed but nothing provides it. The message says which setting to fill.</summary>
public sealed class SecretNotConfiguredException(SecretKind kind, string message) : Exception(message)
{
    public SecretKind Kind { get; } = kind;
}
