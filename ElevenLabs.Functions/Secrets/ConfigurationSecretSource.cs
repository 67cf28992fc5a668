using ElevenLabs.Functions.ElevenLabs;
using ElevenLabs.Functions.Firestore;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Secrets;

/// <summary>
/// Secrets from the options: <c>ElevenLabs:ApiKey</c> and <c>ElevenLabs:WebhookSecret</c> (environment, local.settings.json, user-secrets) and the
/// Firestore key from <c>Firestore:CredentialsJson</c> or the file named by <c>GOOGLE_APPLICATION_CREDENTIALS</c>.
/// The options' current values are read on every call, so a reloaded configuration is picked up; a key file is
/// read once per path (again on <c>refresh</c>), not on every request.
/// </summary>
public sealed class ConfigurationSecretSource(IOptionsMonitor<ElevenLabsOptions> elevenLabs, IOptionsMonitor<FirestoreOptions> firestore)
    : ISecretSource
{
    private (string Path, string Content)? _file;

    public string Description => "configuration (ElevenLabs:ApiKey, ElevenLabs:WebhookSecret)";

    public async ValueTask<string?> GetAsync(SecretKind kind, bool refresh = false, CancellationToken cancellationToken = default) => kind switch
    {
        SecretKind.ElevenLabsApiKey => Set(elevenLabs.CurrentValue.ApiKey),
        SecretKind.ElevenLabsWebhookSecret => Set(elevenLabs.CurrentValue.WebhookSecret),
        SecretKind.FirestoreCredentials => Set(firestore.CurrentValue.CredentialsJson)
            ?? (Set(firestore.CurrentValue.CredentialsFile) is { } path ? await ReadFileAsync(path, refresh, cancellationToken) : null),
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

    private static string? Set(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
