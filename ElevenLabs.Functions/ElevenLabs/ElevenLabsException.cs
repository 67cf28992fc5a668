namespace ElevenLabs.Functions.ElevenLabs;

public enum ElevenLabsFailure
{
    /// <summary>401/403: the API key is wrong, revoked or lacks the permission.</summary>
    Unauthorized,

    /// <summary>429: too many concurrent requests, or the system is busy.</summary>
    RateLimited,

    /// <summary>5xx after retries.</summary>
    ServerError,

    /// <summary>Another 4xx: ElevenLabs refused the request (unknown agent, validation).</summary>
    Rejected,

    /// <summary>No answer within the timeout, after retries.</summary>
    Timeout,

    /// <summary>The connection failed.</summary>
    Unreachable,

    /// <summary>A 2xx whose body is not what the API documents.</summary>
    InvalidResponse,

    /// <summary>Not called: ElevenLabs failed so often lately that the circuit is open (for the break duration).</summary>
    CircuitOpen,

    /// <summary>Not called: this instance already has as many ElevenLabs calls in flight as it allows.</summary>
    TooManyCalls,
}

/// <summary>ElevenLabs did not do what was asked. The message holds ElevenLabs' own status and message, never the key.</summary>
public sealed class ElevenLabsException(
    ElevenLabsFailure failure,
    string message,
    TimeSpan? retryAfter = null,
    Exception? innerException = null) : Exception(message, innerException)
{
    public ElevenLabsFailure Failure { get; } = failure;

    /// <summary>How long to wait before trying again, when known: ElevenLabs' own <c>Retry-After</c>, or an open circuit's break.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
