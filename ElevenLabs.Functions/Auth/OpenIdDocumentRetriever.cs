using Microsoft.IdentityModel.Protocols;

namespace ElevenLabs.Functions.Auth;

/// <summary>
/// Fetches the issuer's discovery document and keys through <see cref="IHttpClientFactory"/> (so handlers rotate and the
/// calls are reported as dependencies), with Microsoft.IdentityModel's own retriever doing the checks (https, status).
/// </summary>
public sealed class OpenIdDocumentRetriever(IHttpClientFactory clients, bool requireHttps) : IDocumentRetriever
{
    public const string HttpClientName = "openid-metadata";

    public Task<string> GetDocumentAsync(string address, CancellationToken cancel) =>
        new HttpDocumentRetriever(clients.CreateClient(HttpClientName)) { RequireHttps = requireHttps }.GetDocumentAsync(address, cancel);
}
