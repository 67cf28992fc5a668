namespace ElevenLabs.Functions.Auth;

/// <summary>The request has no usable bearer token. The message says why for the log; it never holds the token.</summary>
/// <param name="tokenPresent">False when no bearer token was sent at all (the challenge then carries no error).</param>
public sealed class UnauthenticatedException(bool tokenPresent, string reason) : Exception(reason)
{
    public bool TokenPresent { get; } = tokenPresent;
}

/// <summary>The token issuer's keys could not be had, so no token can be checked now: a dependency failure, not the caller's.</summary>
public sealed class AuthUnavailableException(string message, TimeSpan retryAfter, Exception? innerException = null)
    : Exception(message, innerException)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
