namespace ElevenLabs.Functions.Secrets;

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

/// <summary>The secrets this app needs, by what they are for.</summary>
public enum SecretKind
{
    ElevenLabsApiKey,
    FirestoreCredentials,

    /// <summary>The secret ElevenLabs signs its post-call webhooks with.</summary>
    ElevenLabsWebhookSecret,
}
