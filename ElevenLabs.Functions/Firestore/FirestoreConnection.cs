using System.Net.Http.Headers;
using ElevenLabs.Functions.GoogleAuth;
using ElevenLabs.Functions.Store;
using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Firestore;

/// <summary>Where the collection lives (from the options, else the credential's project) and how to authenticate.</summary>
public sealed class FirestoreConnection(IOptions<FirestoreOptions> options, IFirestoreCredential credential)
{
    private readonly FirestoreOptions _options = options.Value;
    private FirestoreDatabase? _database;

    /// <summary>The service account in use, once known: for operator messages.</summary>
    public string? ServiceAccountEmail => credential.ServiceAccountEmail;

    /// <summary>How the store authenticates, for the start-up log.</summary>
    public string Description => credential.Description;

    /// <summary>The database the store uses, named once (the project from the options, else the credential's).</summary>
    public async ValueTask<FirestoreDatabase> DatabaseAsync(CancellationToken cancellationToken)
    {
        if (_database is { } database)
        {
            return database;
        }

        var projectId = _options.ProjectId;
        if (string.IsNullOrWhiteSpace(projectId))
        {
            projectId = await credential.ProjectIdAsync(cancellationToken);
        }

        if (string.IsNullOrWhiteSpace(projectId))
        {
            throw new SessionStoreException(SessionStoreFailure.Failed, "Firestore:ProjectId is not set and the service-account key has no project_id.");
        }

        var baseUrl = _options.UsesEmulator ? new Uri("http://" + _options.EmulatorHost) : _options.BaseUrl;
        return _database = FirestoreDatabase.For(baseUrl, projectId, _options.DatabaseId);
    }

    /// <summary>The Authorization header's value.</summary>
    public ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken) => credential.AuthorizationAsync(cancellationToken);
}

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
