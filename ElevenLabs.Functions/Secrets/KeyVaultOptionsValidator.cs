using ElevenLabs.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Secrets;

/// <summary>One message per wrong <c>KeyVault</c> setting, each naming it.</summary>
public sealed class KeyVaultOptionsValidator : IValidateOptions<KeyVaultOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyVaultOptions options) => new SettingErrors()
        .Check(!options.Enabled || (Uri.TryCreate(options.Uri, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps),
            $"KeyVault:Uri must be an absolute https URL such as https://my-vault.vault.azure.net/ (got '{options.Uri}').")
        .Check(IsSecretName(options.ElevenLabsApiKeySecretName), SecretNameRule("KeyVault:ElevenLabsApiKeySecretName", options.ElevenLabsApiKeySecretName))
        .Check(IsSecretName(options.FirestoreCredentialsSecretName), SecretNameRule("KeyVault:FirestoreCredentialsSecretName", options.FirestoreCredentialsSecretName))
        .Check(IsSecretName(options.ElevenLabsWebhookSecretName), SecretNameRule("KeyVault:ElevenLabsWebhookSecretName", options.ElevenLabsWebhookSecretName))
        .Check(options.CacheTtl > TimeSpan.Zero, "KeyVault:CacheTtl must be positive.")
        .Check(options.MaxStaleness >= TimeSpan.Zero, "KeyVault:MaxStaleness must not be negative.")
        .Result;

    /// <summary>Key Vault's rule for secret names.</summary>
    private static bool IsSecretName(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 127 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static string SecretNameRule(string setting, string? value) =>
        $"{setting} must be 1-127 characters of 0-9, a-z, A-Z and '-' (Key Vault's rule; got '{value}').";
}
