namespace ElevenLabs.Functions.Auth;

/// <summary>Who is calling.</summary>
/// <param name="Key">What limits and quotas count by: the token's subject, or without auth the client address.</param>
/// <param name="Subject">The signed-in user (the token's <c>sub</c>), or null when auth is off.</param>
public sealed record Caller(string Key, string? Subject)
{
    /// <summary>A signed-in caller: counted by the subject.</summary>
    public static Caller SignedIn(string subject) => new(subject, subject);

    /// <summary>An anonymous caller (auth off): counted by the client address.</summary>
    public static Caller Anonymous(string clientAddress) => new(clientAddress, null);
}
