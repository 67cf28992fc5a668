using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Secrets;

/// <summary>One message per wrong setting, each naming it.</summary>
public sealed class KeyVaultOptionsValidator : IValidateOptions<KeyVaultOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyVaultOptions options)
    {
        var errors = new List<string>();
        if (options.Enabled && (!System.Uri.TryCreate(options.Uri, UriKind.Absolute, out var uri) || uri.Scheme != System.Uri.UriSchemeHttps))
        {
            errors.Add($"KeyVault:Uri must be an absolute https URL such as https://my-vault.vault.azure.net/ (got '{options.Uri}').");
        }

        foreach (var (setting, value) in new[]
                 {
                     ("KeyVault:ElevenLabsApiKeySecretName", options.ElevenLabsApiKeySecretName),
                     ("KeyVault:FirestoreCredentialsSecretName", options.FirestoreCredentialsSecretName),
                 })
        {
            if (string.IsNullOrEmpty(value) || value.Length > 127 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                errors.Add($"{setting} must be 1-127 characters of 0-9, a-z, A-Z and '-' (Key Vault's rule; got '{value}').");
            }
        }

        if (options.CacheTtl <= TimeSpan.Zero)
        {
            errors.Add("KeyVault:CacheTtl must be positive.");
        }

        if (options.MaxStaleness < TimeSpan.Zero)
        {
            errors.Add("KeyVault:MaxStaleness must not be negative.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
