using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Secrets;

/// <summary>Settings of the <c>KeyVault</c> section. Key Vault is on when <c>KeyVault:Uri</c> is set.</summary>
public sealed class KeyVaultOptions : IValidatableObject
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

    /// <summary>Its rules quote the wrong value, which an attribute's message cannot.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && !(System.Uri.TryCreate(Uri, UriKind.Absolute, out var uri) && uri.Scheme == System.Uri.UriSchemeHttps))
        {
            yield return new ValidationResult($"KeyVault:Uri must be an absolute https URL such as https://my-vault.vault.azure.net/ (got '{Uri}').");
        }

        foreach (var (setting, value) in new[]
        {
            ("KeyVault:ElevenLabsApiKeySecretName", ElevenLabsApiKeySecretName),
            ("KeyVault:FirestoreCredentialsSecretName", FirestoreCredentialsSecretName),
            ("KeyVault:ElevenLabsWebhookSecretName", ElevenLabsWebhookSecretName),
        })
        {
            // Key Vault's rule for secret names.
            if (string.IsNullOrEmpty(value) || value.Length > 127 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                yield return new ValidationResult($"{setting} must be 1-127 characters of 0-9, a-z, A-Z and '-' (Key Vault's rule; got '{value}').");
            }
        }

        if (CacheTtl <= TimeSpan.Zero)
        {
            yield return new ValidationResult("KeyVault:CacheTtl must be positive.");
        }

        if (MaxStaleness < TimeSpan.Zero)
        {
            yield return new ValidationResult("KeyVault:MaxStaleness must not be negative.");
        }
    }
}

/// <summary>Checks <see cref="KeyVaultOptions"/>' attributes and its own rules (generated).</summary>
[OptionsValidator]
public sealed partial class KeyVaultOptionsValidator : IValidateOptions<KeyVaultOptions>;
