namespace ElevenLabs.Functions.Secrets;

/// <summary>The secrets this app needs, by what they are for.</summary>
public enum SecretKind
{
    ElevenLabsApiKey,
    FirestoreCredentials,
}

/// <summary>Where secrets come from: configuration, or Key Vault.</summary>
public interface ISecretSource
{
    /// <summary>Says where secrets come from, for the start-up log (never a value).</summary>
    string Description { get; }

    /// <summary>The secret's value, or null when it is not configured.</summary>
    /// <param name="kind">Which secret.</param>
    /// <param name="refresh">Skip any cache: the caller has evidence the cached value is stale (an ElevenLabs 401).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="SecretUnavailableException">The source could not be read.</exception>
    ValueTask<string?> GetAsync(SecretKind kind, bool refresh = false, CancellationToken cancellationToken = default);
}

/// <summary>A secret is needed but nothing provides it. The message says which setting to fill.</summary>
public sealed class SecretNotConfiguredException(SecretKind kind, string message) : Exception(message)
{
    public SecretKind Kind { get; } = kind;

    /// <summary>The machine code: the error envelope's <c>code</c> and a failed session's <c>failureCode</c>.</summary>
    public string Code => Kind == SecretKind.ElevenLabsApiKey ? "api_key_not_configured" : "secret_not_configured";
}

/// <summary>The secret store could not be read (unreachable, forbidden, missing). Never holds a value.</summary>
public sealed class SecretUnavailableException(SecretKind kind, string message, bool transient = true, Exception? innerException = null)
    : Exception(message, innerException)
{
    public SecretKind Kind { get; } = kind;

    /// <summary>True when trying again later may help (unreachable, throttled); false for a refusal (403).</summary>
    public bool Transient { get; } = transient;

    /// <summary>The machine code: the error envelope's <c>code</c> and a failed session's <c>failureCode</c>.</summary>
    public string Code => Transient ? "secret_unavailable" : "secret_forbidden";
}
