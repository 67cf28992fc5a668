using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Store;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.Extensions.Logging;

namespace ElevenLabs.Functions.GoogleAuth;

/// <summary>
/// A service-account key from the secret source (Key Vault, or configuration), read on first use and again whenever
/// it changes (rotation). Google.Apis.Auth signs the JWT grant, caches the token and refreshes it.
/// </summary>
internal sealed partial class ServiceAccountKeyCredential(ISecretSource secrets, ILogger<ServiceAccountKeyCredential> logger) : IFirestoreCredential
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Json, ServiceAccountKey Key)? _current;

    public string Description => "a service-account key" + (ServiceAccountEmail is { } email ? $" ({email})" : "");

    public string? ServiceAccountEmail => _current?.Key.Email;

    public async ValueTask<string?> ProjectIdAsync(CancellationToken cancellationToken) => (await KeyAsync(cancellationToken)).ProjectId;

    public async ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken)
    {
        var key = await KeyAsync(cancellationToken);
        try
        {
            return "Bearer " + await ((ITokenAccess)key.Credential).GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
        }
        catch (TokenResponseException ex)
        {
            LogTokenRefused(logger, key.Email, ex.Error?.Error ?? "unknown");
            var failure = ex.Error?.Error is "invalid_grant" or "unauthorized_client" or "invalid_client"
                ? SessionStoreFailure.PermissionDenied
                : SessionStoreFailure.Unavailable;
            throw new SessionStoreException(failure, "Google refused a token for the Firestore service account.", ex);
        }
    }

    private async ValueTask<ServiceAccountKey> KeyAsync(CancellationToken cancellationToken)
    {
        var json = await secrets.GetAsync(SecretKind.FirestoreCredentials, refresh: false, cancellationToken)
            ?? throw new SessionStoreException(SessionStoreFailure.PermissionDenied,
                "No Firestore service-account key is configured: set Firestore:CredentialsJson, GOOGLE_APPLICATION_CREDENTIALS, the key in Key Vault, "
                + "or Firestore:Auth=WorkloadIdentity.");
        if (_current is { } current && current.Json == json)
        {
            return current.Key;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && again.Json == json)
            {
                return again.Key;
            }

            ServiceAccountKey key;
            try
            {
                key = ServiceAccountKey.Parse(json, "The Firestore service-account key");
            }
            catch (InvalidOperationException ex)
            {
                throw new SessionStoreException(SessionStoreFailure.PermissionDenied, ex.Message, ex);
            }

            _current = (json, key);
            return key;
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Google's token endpoint refused service account {ServiceAccount} ({OAuthError}): check that its key is current and the account is enabled")]
    private static partial void LogTokenRefused(ILogger logger, string serviceAccount, string oAuthError);
}
