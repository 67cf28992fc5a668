using ElevenLabs.Functions.Secrets;
using ElevenLabs.Functions.Sessions;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Firestore;

/// <summary>
/// Where the collection lives and how to authenticate: resolved on first use from the options and the
/// service-account key (from the secret source), and again whenever the key changes (rotation).
/// </summary>
public sealed class FirestoreConnection(IOptions<FirestoreOptions> options, ISecretSource secrets)
{
    private readonly FirestoreOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Json, ServiceAccountKey Key)? _current;

    /// <summary>The service account in use, once known: for operator messages.</summary>
    public string? ServiceAccountEmail => _current?.Key.Email;

    /// <summary>The root that document paths are relative to: <c>.../v1/projects/{p}/databases/{d}/documents/</c>.</summary>
    public async ValueTask<Uri> DocumentsRootAsync(CancellationToken cancellationToken)
    {
        var projectId = _options.ProjectId;
        if (string.IsNullOrWhiteSpace(projectId))
        {
            projectId = _options.UsesEmulator ? "demo-elevenlabs" : (await KeyAsync(cancellationToken)).ProjectId;
        }

        if (string.IsNullOrWhiteSpace(projectId))
        {
            throw new SessionStoreException(SessionStoreFailure.Failed, "Firestore:ProjectId is not set and the service-account key has no project_id.");
        }

        var root = _options.UsesEmulator ? new Uri("http://" + _options.EmulatorHost) : _options.BaseUrl;
        var path = $"v1/projects/{FirestorePaths.Segment(projectId)}/databases/{FirestorePaths.Segment(_options.DatabaseId)}/documents/";
        return new Uri(root, path);
    }

    /// <summary>The Authorization header's value.</summary>
    public async ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken)
    {
        if (_options.UsesEmulator)
        {
            return "Bearer owner";
        }

        var key = await KeyAsync(cancellationToken);
        var token = await ((ITokenAccess)key.Credential).GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
        return "Bearer " + token;
    }

    private async ValueTask<ServiceAccountKey> KeyAsync(CancellationToken cancellationToken)
    {
        var json = await secrets.GetAsync(SecretKind.FirestoreCredentials, refresh: false, cancellationToken)
            ?? throw new SessionStoreException(SessionStoreFailure.PermissionDenied,
                "No Firestore service-account key is configured: set Firestore:CredentialsJson, GOOGLE_APPLICATION_CREDENTIALS, or the key in Key Vault.");
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
}
