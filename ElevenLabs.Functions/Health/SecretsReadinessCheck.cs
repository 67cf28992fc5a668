using ElevenLabs.Functions.Secrets;

namespace ElevenLabs.Functions.Health;

/// <summary>The ElevenLabs key resolves. Asks the secret source as a request would, so its cache serves inside the TTL.</summary>
public sealed class SecretsReadinessCheck(ISecretSource secrets) : IReadinessCheck
{
    public string Name => "secrets";

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        _ = await secrets.GetAsync(SecretKind.ElevenLabsApiKey, refresh: false, cancellationToken)
            ?? throw new SecretNotConfiguredException(SecretKind.ElevenLabsApiKey);
    }

    public Exception TimedOut(TimeSpan timeout) =>
        new SecretUnavailableException(SecretKind.ElevenLabsApiKey, $"The secret source did not give the ElevenLabs key within {timeout.TotalSeconds:0.#} s.");
}
