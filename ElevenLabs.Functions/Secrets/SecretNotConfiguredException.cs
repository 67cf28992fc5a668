namespace ElevenLabs.Functions.Secrets;

/// <summary>A secret is needed but nothing provides it. The message says which setting to fill.</summary>
public sealed class SecretNotConfiguredException(SecretKind kind, string message) : Exception(message)
{
    public SecretKind Kind { get; } = kind;

    /// <summary>The machine code: the error envelope's <c>code</c> and a failed session's <c>failureCode</c>.</summary>
    public string Code => Kind == SecretKind.ElevenLabsApiKey ? "api_key_not_configured" : "secret_not_configured";
}
