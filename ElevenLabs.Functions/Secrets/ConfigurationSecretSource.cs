using ElevenLabs.Functions.ElevenLabs;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Secrets;

/// <summary>
/// Secrets from configuration: <c>ElevenLabs:ApiKey</c> (environment, local.settings.json, user-secrets).
/// Read on every call, so a reloaded configuration is picked up.
/// </summary>
public sealed class ConfigurationSecretSource(IOptionsMonitor<ElevenLabsOptions> elevenLabs) : ISecretSource
{
    public string Description => "configuration (ElevenLabs:ApiKey)";

    public ValueTask<string?> GetAsync(SecretKind kind, bool refresh = false, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(kind switch
        {
            SecretKind.ElevenLabsApiKey => Blank(elevenLabs.CurrentValue.ApiKey),
            _ => null,
        });

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
