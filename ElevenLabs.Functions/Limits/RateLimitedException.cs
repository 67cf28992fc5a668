namespace ElevenLabs.Functions.Limits;

/// <summary>The caller went over its per-minute rate; it may try again after <see cref="RetryAfter"/>.</summary>
public sealed class RateLimitedException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
