namespace ElevenLabs.Functions.Auth;

/// <summary>
/// Who is calling: what every use case that acts for a client takes as its first parameter (the endpoint identifies the
/// caller before anything else). Work that no caller started, the webhook's call recording and the sweep, does not go
/// through those use cases and takes no caller.
/// </summary>
/// <param name="Key">What limits and quotas count by: the token's subject, or without auth the client address.</param>
/// <param name="Subject">The signed-in user (the token's <c>sub</c>), or null when auth is off.</param>
public sealed record Caller(string Key, string? Subject)
{
    /// <summary>A signed-in caller: counted by the subject.</summary>
    public static Caller SignedIn(string subject) => new(subject, subject);

    /// <summary>An anonymous caller (auth off): counted by the client address.</summary>
    public static Caller Anonymous(string clientAddress) => new(clientAddress, null);

    /// <summary>
    /// Whether this caller may use a session owned by <paramref name="ownerId"/>: a signed-in caller only its own, and one
    /// without an owner only under <c>Auth:LegacySessions=Allow</c>; an anonymous caller (auth off), any.
    /// </summary>
    public bool MayUse(string? ownerId, LegacySessionAccess legacySessions) => Subject is null
        || (ownerId is null
            ? legacySessions == LegacySessionAccess.Allow
            : string.Equals(ownerId, Subject, StringComparison.Ordinal));
}
