namespace ElevenLabs.Functions.Sessions;

/// <summary>Settings of the <c>Sessions</c> section.</summary>
public sealed class SessionsOptions
{
    public const string Section = "Sessions";

    /// <summary><c>Sessions:Store</c>: <c>Auto</c>, <c>InMemory</c> or <c>Firestore</c>.</summary>
    public SessionStoreKind Store { get; set; } = SessionStoreKind.Auto;
}
