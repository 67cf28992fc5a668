using Microsoft.Extensions.Configuration;

namespace ElevenLabs.Functions.Secrets;

/// <summary>
/// Secrets from configuration: <c>ElevenLabs:ApiKey</c> (environment, local.settings.json, user-secrets) and the
/// Firestore key from <c>Firestore:CredentialsJson</c> or the file named by <c>GOOGLE_APPLICATION_CREDENTIALS</c>.
/// Read on every call, so a reloaded configuration is picked up.
/// </summary>
public sealed class ConfigurationSecretSource(IConfiguration configuration) : ISecretSource
{
    public string Description => "configuration (ElevenLabs:ApiKey)";

    public async ValueTask<string?> GetAsync(SecretKind kind, bool refresh = false, CancellationToken cancellationToken = default) => kind switch
    {
        SecretKind.ElevenLabsApiKey => Value("ElevenLabs:ApiKey"),
        SecretKind.FirestoreCredentials => Value("Firestore:CredentialsJson")
            ?? (Value("GOOGLE_APPLICATION_CREDENTIALS") is { } path ? await File.ReadAllTextAsync(path, cancellationToken) : null),
        _ => null,
    };

    private string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key];
}
