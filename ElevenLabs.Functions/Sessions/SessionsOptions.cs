namespace ElevenLabs.Functions.Sessions;

/// <summary>Settings of the <c>Sessions</c> section.</summary>
public sealed class SessionsOptions
{
    public const string Section = "Sessions";

    /// <summary><c>Sessions:Store</c>: <c>Auto</c>, <c>InMemory</c> or <c>Firestore</c>.</summary>
    public SessionStoreKind Store { get; set; } = SessionStoreKind.Auto;

    /// <summary>
    /// <c>Sessions:InMemoryCapacity</c>: the most sessions the in-memory store keeps. A create beyond it drops the
    /// session that ended (or expired) longest ago, or, when none has, the oldest session.
    /// </summary>
    public int InMemoryCapacity { get; set; } = 10_000;
}
