namespace ElevenLabs.Functions.Secrets;

/// <summary>
/// A secret is needed but nothing provides it: an expected state of a new deployment, not a fault. The message says
/// which setting to fill (<see cref="Hint"/>, also the <c>detail</c> of the error answer).
/// </summary>
public sealed class SecretNotConfiguredException(SecretKind kind) : Exception($"{What(kind)} is not configured: {Hint(kind)}")
{
    public SecretKind Kind { get; } = kind;

    /// <summary>What to set so that the secret is found.</summary>
    public static string Hint(SecretKind kind) => kind switch
    {
        SecretKind.ElevenLabsApiKey => "set ElevenLabs__ApiKey, or KeyVault:Uri with the key in the vault (secret KeyVault:ElevenLabsApiKeySecretName, default elevenlabs-api-key).",
        SecretKind.ElevenLabsWebhookSecret => "set ElevenLabs__WebhookSecret, or KeyVault:Uri with the secret in the vault (secret KeyVault:ElevenLabsWebhookSecretName, default elevenlabs-webhook-secret).",
        _ => "set Firestore__CredentialsJson, or KeyVault:Uri with the key in the vault (secret KeyVault:FirestoreCredentialsSecretName, default firestore-service-account).",
    };

    private static string What(SecretKind kind) => kind switch
    {
        SecretKind.ElevenLabsApiKey => "The ElevenLabs API key",
        SecretKind.ElevenLabsWebhookSecret => "The ElevenLabs webhook secret",
        _ => "The Firestore service-account key",
    };
}

/// <summary>The secret store could not be read (unreachable, forbidden, missing). Never holds a value.</summary>
public sealed class SecretUnavailableException(SecretKind kind, string message, bool transient = true, Exception? innerException = null)
    : Exception(message, innerException)
{
    public SecretKind Kind { get; } = kind;

    /// <summary>True when trying again later may help (unreachable, throttled); false for a refusal (403).</summary>
    public bool Transient { get; } = transient;
}
