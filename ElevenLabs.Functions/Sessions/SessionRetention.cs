using Microsoft.Extensions.Options;

namespace ElevenLabs.Functions.Sessions;

/// <summary>
/// <c>Sessions:RetentionDays</c> as the expiry each stored document carries (<c>expireAt</c>, which Firestore's TTL
/// policies delete by). A session expires that many days after its creation, fixed when it is created; its calls and
/// transcript parts carry the session's own expiry, so none outlives or predates it; a call no session matched, that
/// many days after it arrived; a caller's daily count, that many days after its day ends (UTC). Off (0): no expiry.
/// </summary>
public sealed class SessionRetention(IOptions<SessionsOptions> options)
{
    /// <summary>The retention period, or null when off.</summary>
    public TimeSpan? Period => options.Value.RetentionDays is > 0 and var days ? TimeSpan.FromDays(days) : null;

    /// <summary>When something stored at <paramref name="start"/> (a session's creation, an unmatched call's arrival) expires; null when off.</summary>
    public DateTimeOffset? ExpireAt(DateTimeOffset start) => Period is { } period ? start + period : null;

    /// <summary>When the counts of <paramref name="day"/> (UTC) expire: the period after the day ends; null when off.</summary>
    public DateTimeOffset? ExpireAt(DateOnly day) =>
        ExpireAt(new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
}
