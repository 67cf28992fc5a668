using Microsoft.Extensions.Configuration;

namespace ElevenLabs.Functions.Secrets;

/// <summary>
/// Secrets from configuration: <c>ElevenLabs:ApiKey</c> (environment, local.settings.json, user-secrets) and the
/// Firestore key from <c>Firestore:CredentialsJson</c> or the file named by <c>GOOGLE_APPLICATION_CREDENTIALS</c>.
/// Configuration values are read on every call, so a reloaded configuration is picked up; a key file is read
/// once per path (again on <c>refresh</c>), not on every request.
/// </summary>
public sealed class ConfigurationSecretSource(IConfiguration configuration) : ISecretSource
{
    private (string Path, string Content)? _file;

    public string Description => "configuration (ElevenLabs:ApiKey)";

    public async ValueTask<string?> GetAsync(SecretKind kind, bool refresh = false, CancellationToken cancellationToken = default) => kind switch
    {
        SecretKind.ElevenLabsApiKey => Value("ElevenLabs:ApiKey"),
        SecretKind.FirestoreCredentials => Value("Firestore:CredentialsJson")
            ?? (Value("GOOGLE_APPLICATION_CREDENTIALS") is { } path ? await ReadFileAsync(path, refresh, cancellationToken) : null),
        _ => null,
    };

    private async Task<string> ReadFileAsync(string path, bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && _file is { } cached && cached.Path == path)
        {
            return cached.Content;
        }

        var content = await File.ReadAllTextAsync(path, cancellationToken);
        _file = (path, content);
        return content;
    }

    private string? Value(string key) => string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key];
}
