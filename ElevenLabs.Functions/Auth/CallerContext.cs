using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Auth;

/// <summary>
/// The caller of the request being handled, for the layers below the HTTP contract (as <c>IHttpContextAccessor</c>
/// does for the context): the endpoint sets it, the use cases read it. Work that no caller started (a webhook, a timer)
/// has none, and is not restricted by it.
/// </summary>
public sealed class CallerContext(IOptionsMonitor<AuthOptions> options)
{
    private static readonly AsyncLocal<Caller?> CurrentCaller = new();

    public Caller? Current
    {
        get => CurrentCaller.Value;
        set => CurrentCaller.Value = value;
    }

    /// <summary>The owner a session created now gets: the signed-in caller, or none when auth is off.</summary>
    public string? NewOwner => Current?.Subject;

    /// <summary>
    /// Whether the caller may see a session owned by <paramref name="ownerId"/>: a signed-in caller only its own, and one
    /// without an owner only under <c>Auth:LegacySessions=Allow</c>; without auth (or without a caller), any.
    /// </summary>
    public bool MayUse(string? ownerId) => Current?.Subject is not { } subject
        || (ownerId is null
            ? options.CurrentValue.LegacySessions == LegacySessionAccess.Allow
            : string.Equals(ownerId, subject, StringComparison.Ordinal));
}
