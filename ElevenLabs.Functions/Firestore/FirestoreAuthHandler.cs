using System.Net.Http.Headers;

namespace ElevenLabs.Functions.Firestore;

/// <summary>Adds the bearer token (the service account's, cached and refreshed by Google.Apis.Auth; or the emulator's).</summary>
public sealed class FirestoreAuthHandler(FirestoreConnection connection) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var authorization = await connection.AuthorizationAsync(cancellationToken);
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        return await base.SendAsync(request, cancellationToken);
    }
}
