namespace ElevenLabs.Functions.Limits;

/// <summary>One session counted against a caller's day; given back when no session came of it.</summary>
/// <param name="CallerKey">Whose count, or null when nothing was counted (no quota, or no caller).</param>
/// <param name="Count">The caller's count for the day, this session included.</param>
public sealed record QuotaTicket(string? CallerKey, DateOnly Day, long Count, int Limit)
{
    public static readonly QuotaTicket Unlimited = new(null, default, 0, 0);

    public bool Counted => CallerKey is not null;

    public bool Allowed => !Counted || Count <= Limit;
}
