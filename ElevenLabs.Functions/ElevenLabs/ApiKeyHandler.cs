using System.Net;
using ElevenLabs.Functions.Secrets;

namespace ElevenLabs.Functions.ElevenLabs;

/// <summary>
/// Adds the <c>xi-api-key</c> header from the secret source. On a 401 it reads the key afresh once and, if the
/// key changed (it was rotated), sends the request once more with the new key.
/// </summary>
public sealed class ApiKeyHandler(ISecretSource secrets) : DelegatingHandler
{
    public const string HeaderName = "xi-api-key";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = await KeyAsync(refresh: false, cancellationToken);
        var response = await SendWithKeyAsync(request, key, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || request.Content is not null)
        {
            return response;
        }

        var fresh = await KeyAsync(refresh: true, cancellationToken);
        if (fresh == key)
        {
            return response;
        }

        response.Dispose();
        using var retry = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version };
        foreach (var header in request.Headers)
        {
            retry.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return await SendWithKeyAsync(retry, fresh, cancellationToken);
    }

    private Task<HttpResponseMessage> SendWithKeyAsync(HttpRequestMessage request, string key, CancellationToken cancellationToken)
    {
        request.Headers.Remove(HeaderName);
        request.Headers.TryAddWithoutValidation(HeaderName, key);
        return base.SendAsync(request, cancellationToken);
    }

    private async Task<string> KeyAsync(bool refresh, CancellationToken cancellationToken) =>
        await secrets.GetAsync(SecretKind.ElevenLabsApiKey, refresh, cancellationToken)
        ?? throw new SecretNotConfiguredException(SecretKind.ElevenLabsApiKey);
}
