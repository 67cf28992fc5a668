namespace ElevenLabs.Functions.Secrets;

/// <summary>Settings of the <c>KeyVault</c> section. Key Vault is on when <c>KeyVault:Uri</c> is set.</summary>
public sealed class KeyVaultOptions
{
    public const string Section = "KeyVault";

    /// <summary><c>KeyVault:Uri</c>, e.g. <c>https://kv-elevenlabs.vault.azure.net/</c>.</summary>
    public string? Uri { get; set; }

    /// <summary><c>KeyVault:ManagedIdentityClientId</c> (else <c>AZURE_CLIENT_ID</c>): a user-assigned identity; empty for system-assigned.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary><c>KeyVault:ElevenLabsApiKeySecretName</c>. Secret names allow only 0-9a-zA-Z-.</summary>
    public string ElevenLabsApiKeySecretName { get; set; } = "elevenlabs-api-key";

    /// <summary><c>KeyVault:FirestoreCredentialsSecretName</c>: the service-account JSON (optional).</summary>
    public string FirestoreCredentialsSecretName { get; set; } = "firestore-service-account";

    /// <summary><c>KeyVault:ElevenLabsWebhookSecretName</c>: the secret ElevenLabs signs its post-call webhooks with.</summary>
    public string ElevenLabsWebhookSecretName { get; set; } = "elevenlabs-webhook-secret";

    /// <summary><c>KeyVault:CacheTtl</c>: how long a read value is used before it is read again.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary><c>KeyVault:MaxStaleness</c>: how long past its TTL a value is still served while the vault fails.</summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromHours(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(Uri);
}
