namespace ElevenLabs.Functions.Limits;

/// <summary>The caller went over its per-minute rate; it may try again after <see cref="RetryAfter"/>.</summary>
public sealed class RateLimitedException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>The caller has created its sessions for the day; the quota resets at 00:00 UTC.</summary>
public sealed class QuotaExceededException(int sessionsPerDay, TimeSpan retryAfter)
    : Exception($"The daily quota of {sessionsPerDay} sessions is used up.")
{
    public int SessionsPerDay { get; } = sessionsPerDay;

    /// <summary>Until the next UTC day.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
