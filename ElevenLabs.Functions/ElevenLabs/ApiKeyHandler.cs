using ElevenLabs.Functions.Secrets;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>Adds the <c>xi-api-key</c> header from the secret source to every ElevenLabs request.</summary>
public sealed class ApiKeyHandler(ISecretSource secrets) : DelegatingHandler
{
    public const string HeaderName = "xi-api-key";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = await secrets.GetAsync(SecretKind.ElevenLabsApiKey, refresh: false, cancellationToken)
            ?? throw new SecretNotConfiguredException(SecretKind.ElevenLabsApiKey,
                "ElevenLabs API key is not configured (set ElevenLabs:ApiKey, or KeyVault:Uri with the key in the vault).");
        request.Headers.Remove(HeaderName);
        request.Headers.TryAddWithoutValidation(HeaderName, key);
        return await base.SendAsync(request, cancellationToken);
    }
}
