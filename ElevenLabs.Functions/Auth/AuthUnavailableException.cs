namespace ElevenLabs.Functions.Auth;

/// <summary>The token issuer's keys could not be had, so no token can be checked now: a dependency failure, not the caller's.</summary>
public sealed class AuthUnavailableException(string message, TimeSpan retryAfter, Exception? innerException = null)
    : Exception(message, innerException)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
