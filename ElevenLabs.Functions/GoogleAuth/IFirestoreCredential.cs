using ElevenLabs.Functions.Store;

namespace ElevenLabs.Functions.GoogleAuth;

/// <summary>
/// Who the store is to Firestore: the emulator's owner, a service-account key, or the app's Azure managed identity
/// through Google workload identity federation (<c>Firestore:Auth</c>).
/// </summary>
public interface IFirestoreCredential
{
    /// <summary>How the store authenticates, for the start-up log (never a secret).</summary>
    string Description { get; }

    /// <summary>The service account the calls are made as, once known: operator messages name it.</summary>
    string? ServiceAccountEmail { get; }

    /// <summary>The project the credential names (a key's <c>project_id</c>), or null.</summary>
    /// <exception cref="SessionStoreException">The key is missing or unreadable.</exception>
    ValueTask<string?> ProjectIdAsync(CancellationToken cancellationToken);

    /// <summary>The Authorization header's value, from a cached token while it is fresh.</summary>
    /// <exception cref="SessionStoreException">No token could be had; the log says what to fix. Never holds a token.</exception>
    ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken);
}

/// <summary>Google's Firestore emulator: plain http, <c>Bearer owner</c>, no key.</summary>
internal sealed class EmulatorCredential : IFirestoreCredential
{
    public string Description => "the emulator's owner";

    public string? ServiceAccountEmail => null;

    public ValueTask<string?> ProjectIdAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>("demo-elevenlabs");

    public ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken) => ValueTask.FromResult("Bearer owner");
}
