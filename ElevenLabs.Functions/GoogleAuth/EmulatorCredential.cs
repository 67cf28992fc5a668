namespace ElevenLabs.Functions.GoogleAuth;

/// <summary>Google's Firestore emulator: plain http, <c>Bearer owner</c>, no key.</summary>
internal sealed class EmulatorCredential : IFirestoreCredential
{
    public string Description => "the emulator's owner";

    public string? ServiceAccountEmail => null;

    public ValueTask<string?> ProjectIdAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>("demo-elevenlabs");

    public ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken) => ValueTask.FromResult("Bearer owner");
}
